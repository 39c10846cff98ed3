#include "jwt/rego_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/base64.hpp"
#include "jwt/jwk.hpp"
#include "jwt/jws.hpp"
#include "jwt/signature.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

// Policies may handle unusual tokens; still bound the work per call.
constexpr size_t kMaxRegoTokenBytes = 1024 * 1024;

// True if any fitting key verifies the token. With a kid that names keys in the set, only
// those are tried (OPA's behaviour for JWKS); otherwise every key is.
bool verify_with_keys(const DecodedJws& jws, Alg alg, const KeySet& keys) {
  std::vector<const Key*> candidates;
  const json::value* kid = jws.header.if_contains("kid");
  if (kid != nullptr && kid->is_string()) {
    candidates = keys.find_all(std::string_view(kid->get_string()));
  }
  if (candidates.empty()) {
    for (const Key& key : keys.keys()) {
      candidates.push_back(&key);
    }
  }
  for (const Key* key : candidates) {
    if (verify_bytes(alg, *key, jws.signing_input, jws.signature).ok()) {
      return true;
    }
  }
  return false;
}

struct Constraints {
  std::optional<std::string> cert;
  std::optional<std::string> secret;
  std::optional<std::string> alg;
  std::optional<std::string> iss;
  std::optional<std::string> aud;
  std::optional<double> time_ns;
};

Result<Constraints> parse_constraints(const json::object& in) {
  Constraints out;
  for (const auto& kv : in) {
    std::string_view name = kv.key();
    const json::value& v = kv.value();
    if (name == "time") {
      if (!v.is_number()) {
        return invalid_argument("decode_verify: \"time\" must be a number");
      }
      out.time_ns = v.to_number<double>();
      continue;
    }
    std::optional<std::string>* slot = name == "cert"     ? &out.cert
                                       : name == "secret" ? &out.secret
                                       : name == "alg"    ? &out.alg
                                       : name == "iss"    ? &out.iss
                                       : name == "aud"    ? &out.aud
                                                          : nullptr;
    if (slot == nullptr) {
      return invalid_argument("decode_verify: unknown constraint \"" + std::string(name) + "\"");
    }
    if (!v.is_string()) {
      return invalid_argument("decode_verify: \"" + std::string(name) + "\" must be a string");
    }
    *slot = std::string(v.get_string());
  }
  if (out.cert.has_value() == out.secret.has_value()) {
    return invalid_argument("decode_verify: exactly one of \"cert\" and \"secret\" is required");
  }
  return out;
}

// OPA's claim rules for decode_verify (see the header).
bool claims_ok(const json::object& payload, const Constraints& c, double time_ns) {
  if (const json::value* exp = payload.if_contains("exp")) {
    if (!exp->is_number() || time_ns >= exp->to_number<double>() * 1e9) {
      return false;
    }
  }
  if (const json::value* nbf = payload.if_contains("nbf")) {
    if (!nbf->is_number() || time_ns < nbf->to_number<double>() * 1e9) {
      return false;
    }
  }
  if (c.iss) {
    const json::value* iss = payload.if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != *c.iss) {
      return false;
    }
  }
  const json::value* aud = payload.if_contains("aud");
  if (aud == nullptr) {
    return !c.aud.has_value();
  }
  if (!c.aud) {
    return false;
  }
  if (aud->is_string()) {
    return aud->get_string() == *c.aud;
  }
  if (aud->is_array()) {
    for (const json::value& a : aud->get_array()) {
      if (a.is_string() && a.get_string() == *c.aud) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Result<RegoDecoded> rego_decode(std::string_view token) {
  DTS_ASSIGN_OR_RETURN(DecodedJws jws, decode_compact(token, kMaxRegoTokenBytes));
  if (!jws.claims) {
    return invalid_argument("payload is not a JSON object");
  }
  return RegoDecoded{std::move(jws.header), std::move(*jws.claims), hex_encode(jws.signature)};
}

Result<KeySet> rego_keys_from_material(std::string_view material) {
  size_t start = material.find_first_not_of(" \t\r\n");
  std::string_view text = start == std::string_view::npos ? "" : material.substr(start);
  if (text.rfind("-----BEGIN", 0) == 0) {
    DTS_ASSIGN_OR_RETURN(Key key, Key::from_pem(text));
    return KeySet({std::move(key)});
  }
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return invalid_argument("key material is neither PEM nor a JWK/JWKS");
  }
  if (doc.get_object().contains("keys")) {
    DTS_ASSIGN_OR_RETURN(ParsedJwks parsed, parse_jwks(doc));
    if (parsed.keys.empty()) {
      return invalid_argument("JWKS has no usable keys");
    }
    return std::move(parsed.keys);
  }
  DTS_ASSIGN_OR_RETURN(Key key, key_from_jwk(doc.get_object()));
  return KeySet({std::move(key)});
}

Result<bool> rego_verify(Alg alg, std::string_view token, std::string_view cert_or_secret) {
  KeySet keys;
  if (is_hmac(alg)) {
    keys.add(Key::from_secret(cert_or_secret));
  } else {
    DTS_ASSIGN_OR_RETURN(keys, rego_keys_from_material(cert_or_secret));
  }
  auto jws = decode_compact(token, kMaxRegoTokenBytes);
  if (!jws.ok()) {
    return false;
  }
  auto token_alg = header_alg(jws->header);
  if (!token_alg.ok() || *token_alg != alg) {
    return false;
  }
  return verify_with_keys(*jws, alg, keys);
}

Result<RegoDecodeVerify> rego_decode_verify(std::string_view token, const json::object& constraints,
                                            int64_t now_ns) {
  DTS_ASSIGN_OR_RETURN(Constraints c, parse_constraints(constraints));
  KeySet keys;
  if (c.secret) {
    keys.add(Key::from_secret(*c.secret));
  } else {
    DTS_ASSIGN_OR_RETURN(keys, rego_keys_from_material(*c.cert));
  }
  RegoDecodeVerify invalid;
  auto jws = decode_compact(token, kMaxRegoTokenBytes);
  if (!jws.ok() || !jws->claims) {
    return invalid;
  }
  auto alg = header_alg(jws->header);
  if (!alg.ok() || (c.alg && *c.alg != alg_name(*alg))) {
    return invalid;
  }
  if (!verify_with_keys(*jws, *alg, keys)) {
    return invalid;
  }
  double time_ns = c.time_ns ? *c.time_ns : static_cast<double>(now_ns);
  if (!claims_ok(*jws->claims, c, time_ns)) {
    return invalid;
  }
  return RegoDecodeVerify{true, std::move(jws->header), std::move(*jws->claims)};
}

Result<std::string> rego_encode_sign(const json::object& header, const json::object& payload,
                                     const json::object& jwk) {
  DTS_ASSIGN_OR_RETURN(Key key, key_from_jwk(jwk));
  return sign_compact_raw(json::serialize(header), json::serialize(payload), key);
}

Result<std::string> rego_encode_sign_raw(std::string_view header, std::string_view payload,
                                         std::string_view jwk_json) {
  DTS_ASSIGN_OR_RETURN(Key key, key_from_jwk_json(jwk_json));
  return sign_compact_raw(header, payload, key);
}

}  // namespace dts::jwt
