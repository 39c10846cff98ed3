#include "jwt/verifier.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "jwt/jws.hpp"
#include "jwt/signature.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

using KeysForIssuer = std::function<std::shared_ptr<const KeySet>(std::string_view issuer)>;

Error reject(Check check, const std::string& detail, Check* failed) {
  if (failed != nullptr) {
    *failed = check;
  }
  return unauthenticated("jwt " + std::string(check_name(check)) + ": " + detail);
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A NumericDate claim (RFC 7519 §2) as seconds; nullopt if absent. Non-numbers are errors.
Result<std::optional<double>> numeric_date(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) {
    return std::optional<double>();
  }
  if (!v->is_number()) {
    return invalid_argument("\"" + std::string(name) + "\" is not a number");
  }
  double d = v->to_number<double>();
  if (!std::isfinite(d)) {
    return invalid_argument("\"" + std::string(name) + "\" is not finite");
  }
  return std::optional<double>(d);
}

// Picks the keys that may verify this token: by exact kid, or the only key of the set.
Result<std::vector<const Key*>> select_keys(const KeySet& keys, const json::object& header,
                                            Alg alg) {
  const json::value* kid_value = header.if_contains("kid");
  std::vector<const Key*> candidates;
  std::string kid_text;
  if (kid_value != nullptr) {
    if (!kid_value->is_string()) {
      return invalid_argument("\"kid\" is not a string");
    }
    kid_text = std::string(kid_value->get_string());
    candidates = keys.find_all(kid_text);
    if (candidates.empty() && keys.size() == 1 && keys.keys()[0].kid().empty()) {
      candidates.push_back(&keys.keys()[0]);  // a single anonymous key (static config)
    }
    if (candidates.empty()) {
      return not_found("unknown kid (the key set has " + std::to_string(keys.size()) + " keys)");
    }
  } else {
    if (keys.size() != 1) {
      return not_found("token has no kid and the key set has " + std::to_string(keys.size()) +
                       " keys");
    }
    candidates.push_back(&keys.keys()[0]);
  }
  std::string why;
  std::vector<const Key*> fitting;
  for (const Key* key : candidates) {
    Status fits = check_key_for_alg(alg, *key);
    if (fits.ok()) {
      fitting.push_back(key);
    } else {
      why = fits.error().message();
    }
  }
  if (fitting.empty()) {
    return invalid_argument("no key fits " + std::string(alg_name(alg)) + ": " + why);
  }
  return fitting;
}

}  // namespace

std::string_view check_name(Check check) {
  switch (check) {
    case Check::kNone:
      return "none";
    case Check::kSize:
      return "size";
    case Check::kFormat:
      return "format";
    case Check::kAlgorithm:
      return "algorithm";
    case Check::kCrit:
      return "crit";
    case Check::kKey:
      return "key";
    case Check::kSignature:
      return "signature";
    case Check::kExpired:
      return "expired";
    case Check::kNotYetValid:
      return "not_yet_valid";
    case Check::kIssuedInFuture:
      return "issued_in_future";
    case Check::kIssuer:
      return "issuer";
    case Check::kAudience:
      return "audience";
    case Check::kTokenUse:
      return "token_use";
  }
  return "unknown";
}

std::string_view VerifiedToken::claim_string(std::string_view name) const {
  const json::value* v = claims.if_contains(name);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

Result<Verifier> Verifier::create(VerifierOptions options) {
  if (options.algorithms.empty()) {
    return invalid_argument("verifier: no algorithms allowed");
  }
  if (options.issuers.empty() && !options.allow_any_issuer) {
    return invalid_argument("verifier: no issuers (set allow_any_issuer to skip the check)");
  }
  if (options.audiences.empty() && !options.allow_any_audience) {
    return invalid_argument("verifier: no audiences (set allow_any_audience to skip the check)");
  }
  if (options.clock_skew.count() < 0) {
    return invalid_argument("verifier: negative clock skew");
  }
  if (options.max_token_bytes == 0) {
    return invalid_argument("verifier: max_token_bytes is zero");
  }
  return Verifier(std::move(options));
}

namespace {

// The whole pipeline; `keys_for` maps the (already allow-listed) issuer to its key set.
Result<VerifiedToken> run(const VerifierOptions& opt, std::string_view token,
                          const KeysForIssuer& keys_for, SystemTime now, Check* failed) {
  if (failed != nullptr) {
    *failed = Check::kNone;
  }
  if (token.size() > opt.max_token_bytes) {
    return reject(Check::kSize,
                  "token of " + std::to_string(token.size()) + " bytes exceeds " +
                      std::to_string(opt.max_token_bytes),
                  failed);
  }
  auto decoded = decode_compact(token, opt.max_token_bytes);
  if (!decoded.ok()) {
    return reject(Check::kFormat, decoded.error().message(), failed);
  }
  DecodedJws& jws = *decoded;
  auto alg = header_alg(jws.header);
  if (!alg.ok()) {
    return reject(Check::kAlgorithm, alg.error().message(), failed);
  }
  if (std::find(opt.algorithms.begin(), opt.algorithms.end(), *alg) == opt.algorithms.end()) {
    return reject(Check::kAlgorithm, "alg " + std::string(alg_name(*alg)) + " is not allowed",
                  failed);
  }
  if (Status crit = check_crit(jws.header, opt.understood_crit); !crit.ok()) {
    return reject(Check::kCrit, crit.error().message(), failed);
  }
  if (!jws.claims) {
    return reject(Check::kFormat, "payload is not a JSON object", failed);
  }
  const json::object& claims = *jws.claims;
  const json::value* iss = claims.if_contains("iss");
  std::string_view issuer =
      iss != nullptr && iss->is_string() ? std::string_view(iss->get_string()) : std::string_view();
  if (!opt.allow_any_issuer && !contains(opt.issuers, issuer)) {
    // Checked before key lookup because the issuer selects the key set (KeyCache path).
    return reject(Check::kIssuer, iss == nullptr ? "no \"iss\" claim" : "issuer is not trusted",
                  failed);
  }
  std::shared_ptr<const KeySet> keys = keys_for(issuer);
  if (!keys || keys->empty()) {
    return reject(Check::kKey, "no keys for this issuer", failed);
  }
  auto candidates = select_keys(*keys, jws.header, *alg);
  if (!candidates.ok()) {
    return reject(Check::kKey, candidates.error().message(), failed);
  }
  const Key* used = nullptr;
  for (const Key* key : *candidates) {
    if (verify_bytes(*alg, *key, jws.signing_input, jws.signature).ok()) {
      used = key;
      break;
    }
  }
  if (used == nullptr) {
    return reject(Check::kSignature, "signature does not verify", failed);
  }

  double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  double skew = static_cast<double>(opt.clock_skew.count());
  auto exp = numeric_date(claims, "exp");
  auto nbf = numeric_date(claims, "nbf");
  auto iat = numeric_date(claims, "iat");
  if (!exp.ok()) {
    return reject(Check::kExpired, exp.error().message(), failed);
  }
  if (!nbf.ok()) {
    return reject(Check::kNotYetValid, nbf.error().message(), failed);
  }
  if (!iat.ok()) {
    return reject(Check::kIssuedInFuture, iat.error().message(), failed);
  }
  if (!*exp && opt.require_exp) {
    return reject(Check::kExpired, "no \"exp\" claim", failed);
  }
  if (*exp && now_s >= **exp + skew) {
    return reject(Check::kExpired, "token expired", failed);
  }
  if (*nbf && now_s + skew < **nbf) {
    return reject(Check::kNotYetValid, "token is not valid yet (nbf)", failed);
  }
  if (*iat && **iat > now_s + skew) {
    return reject(Check::kIssuedInFuture, "token issued in the future (iat)", failed);
  }

  if (!opt.allow_any_audience) {
    const json::value* aud = claims.if_contains("aud");
    bool match = false;
    if (aud != nullptr) {
      if (aud->is_string()) {
        match = contains(opt.audiences, aud->get_string());
      } else if (aud->is_array()) {
        for (const json::value& a : aud->get_array()) {
          match = match || (a.is_string() && contains(opt.audiences, a.get_string()));
        }
      }
    } else if (const json::value* cid = claims.if_contains("client_id");
               cid != nullptr && cid->is_string()) {
      match = contains(opt.audiences, cid->get_string());
    }
    if (!match) {
      return reject(Check::kAudience,
                    aud == nullptr && !claims.contains("client_id")
                        ? "no \"aud\" or \"client_id\" claim"
                        : "audience is not accepted",
                    failed);
    }
  }
  if (!opt.token_uses.empty()) {
    const json::value* use = claims.if_contains("token_use");
    if (use == nullptr || !use->is_string() || !contains(opt.token_uses, use->get_string())) {
      return reject(Check::kTokenUse,
                    use == nullptr ? "no \"token_use\" claim" : "token_use is not accepted",
                    failed);
    }
  }

  VerifiedToken out{*alg, used->kid(), std::move(jws.header), std::move(*jws.claims)};
  return out;
}

}  // namespace

Result<VerifiedToken> Verifier::verify(std::string_view token, const KeySet& keys, SystemTime now,
                                       Check* failed) const {
  // Non-owning view of the caller's set for the duration of the call.
  std::shared_ptr<const KeySet> view(std::shared_ptr<const KeySet>(), &keys);
  return run(
      options_, token, [&](std::string_view) { return view; }, now, failed);
}

Result<VerifiedToken> Verifier::verify(std::string_view token, const KeyCache& cache,
                                       SystemTime now, Check* failed) const {
  return run(
      options_, token, [&](std::string_view issuer) { return cache.get(issuer); }, now, failed);
}

}  // namespace dts::jwt
