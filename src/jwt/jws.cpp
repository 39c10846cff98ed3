#include "jwt/jws.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/base64.hpp"
#include "jwt/signature.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

// Header parameters registered by RFC 7515 §4.1 and RFC 7518 §4.1 (for JWE/JWS); "crit"
// must not list them (RFC 7515 §4.1.11).
constexpr std::string_view kRegisteredHeaders[] = {
    "alg",  "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
    "crit", "enc", "zip", "epk", "apu", "apv", "iv",  "tag",      "p2s", "p2c"};

Result<json::value> parse_json(std::string_view text, std::string_view part) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    return invalid_argument(std::string(part) + " is not valid JSON: " + ec.message());
  }
  return v;
}

}  // namespace

Result<DecodedJws> decode_compact(std::string_view token, size_t max_bytes) {
  if (token.size() > max_bytes) {
    return invalid_argument("token is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (token.empty()) {
    return invalid_argument("token is empty");
  }
  size_t dots = static_cast<size_t>(std::count(token.begin(), token.end(), '.'));
  if (dots == 4) {
    return invalid_argument("token is a JWE (five parts); only JWS is supported");
  }
  if (dots != 2) {
    return invalid_argument("token does not have three parts");
  }
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  std::string_view header_b64 = token.substr(0, first);
  std::string_view payload_b64 = token.substr(first + 1, second - first - 1);
  std::string_view sig_b64 = token.substr(second + 1);
  if (header_b64.empty()) {
    return invalid_argument("header is empty");
  }
  DecodedJws out;
  auto header_bytes = base64url_decode(header_b64);
  if (!header_bytes.ok()) {
    return invalid_argument("header: " + header_bytes.error().message());
  }
  DTS_ASSIGN_OR_RETURN(json::value header, parse_json(*header_bytes, "header"));
  if (!header.is_object()) {
    return invalid_argument("header is not a JSON object");
  }
  const json::value* alg = header.get_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string()) {
    return invalid_argument("header has no string \"alg\"");
  }
  out.header = std::move(header.get_object());
  auto payload = base64url_decode(payload_b64);
  if (!payload.ok()) {
    return invalid_argument("payload: " + payload.error().message());
  }
  out.payload = std::move(payload).value();
  std::string_view p = out.payload;
  if (!p.empty() && p.front() == '{') {
    DTS_ASSIGN_OR_RETURN(json::value claims, parse_json(p, "payload"));
    out.claims = std::move(claims.get_object());
  }
  auto sig = base64url_decode(sig_b64);
  if (!sig.ok()) {
    return invalid_argument("signature: " + sig.error().message());
  }
  out.signature = std::move(sig).value();
  out.signing_input = std::string(token.substr(0, second));
  return out;
}

Result<Alg> header_alg(const json::object& header) {
  const json::value* v = header.if_contains("alg");
  if (v == nullptr || !v->is_string()) {
    return invalid_argument("header has no string \"alg\"");
  }
  std::string_view name = v->get_string();
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "none") {
    return invalid_argument("alg \"none\" (unsecured JWS) is never accepted");
  }
  std::optional<Alg> alg = parse_alg(name);
  if (!alg) {
    return invalid_argument("alg \"" + std::string(name) + "\" is not supported");
  }
  return *alg;
}

Status check_crit(const json::object& header, std::span<const std::string> understood) {
  const json::value* crit = header.if_contains("crit");
  if (crit == nullptr) {
    return ok_status();
  }
  if (!crit->is_array() || crit->get_array().empty()) {
    return invalid_argument("\"crit\" must be a non-empty array");
  }
  std::vector<std::string_view> seen;
  for (const json::value& item : crit->get_array()) {
    if (!item.is_string()) {
      return invalid_argument("\"crit\" holds a non-string");
    }
    std::string_view name = item.get_string();
    if (std::find(std::begin(kRegisteredHeaders), std::end(kRegisteredHeaders), name) !=
        std::end(kRegisteredHeaders)) {
      return invalid_argument("\"crit\" lists the registered header \"" + std::string(name) + "\"");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return invalid_argument("\"crit\" lists \"" + std::string(name) + "\" twice");
    }
    seen.push_back(name);
    if (!header.contains(name)) {
      return invalid_argument("\"crit\" names \"" + std::string(name) +
                              "\" which is not in the header");
    }
    if (std::find(understood.begin(), understood.end(), name) == understood.end()) {
      return invalid_argument("critical header \"" + std::string(name) + "\" is not understood");
    }
  }
  return ok_status();
}

Status verify_signature(const DecodedJws& jws, Alg alg, const Key& key) {
  DTS_ASSIGN_OR_RETURN(Alg token_alg, header_alg(jws.header));
  if (token_alg != alg) {
    return invalid_argument("token alg " + std::string(alg_name(token_alg)) + " is not the " +
                            "expected " + std::string(alg_name(alg)));
  }
  return verify_bytes(alg, key, jws.signing_input, jws.signature);
}

Result<std::string> sign_compact_raw(std::string_view header_json, std::string_view payload,
                                     const Key& key) {
  DTS_ASSIGN_OR_RETURN(json::value header, parse_json(header_json, "header"));
  if (!header.is_object()) {
    return invalid_argument("header is not a JSON object");
  }
  DTS_ASSIGN_OR_RETURN(Alg alg, header_alg(header.get_object()));
  std::string token = base64url_encode(header_json);
  token += '.';
  token += base64url_encode(payload);
  DTS_ASSIGN_OR_RETURN(std::string sig, sign_bytes(alg, key, token));
  token += '.';
  token += base64url_encode(sig);
  return token;
}

Result<std::string> sign_compact(json::object header, std::string_view payload, const Key& key) {
  if (!header.contains("alg")) {
    if (!key.alg()) {
      return invalid_argument("no \"alg\" in the header and none on the key");
    }
    header["alg"] = alg_name(*key.alg());
  }
  if (!key.kid().empty() && !header.contains("kid")) {
    header["kid"] = key.kid();
  }
  return sign_compact_raw(json::serialize(header), payload, key);
}

Result<std::string> sign_jwt(Alg alg, const Key& key, const json::object& claims,
                             const json::object& extra_header) {
  json::object header;
  header["alg"] = alg_name(alg);
  header["typ"] = "JWT";
  if (!key.kid().empty()) {
    header["kid"] = key.kid();
  }
  for (const auto& kv : extra_header) {
    header[kv.key()] = kv.value();
  }
  header["alg"] = alg_name(alg);
  return sign_compact(std::move(header), json::serialize(claims), key);
}

}  // namespace dts::jwt
