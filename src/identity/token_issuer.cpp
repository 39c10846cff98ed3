#include "identity/token_issuer.hpp"

#include "common/ids.hpp"
#include "common/log.hpp"
#include "identity/faults.hpp"
#include "identity/tokens.hpp"
#include "jwt/jws.hpp"
#include "jwt/thumbprint.hpp"

namespace dts::identity {
namespace {

int64_t seconds(TokenIssuer::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}


Error revoked_or_invalid(std::string_view why) { return fault(kNotAuthorized, why); }

}  // namespace

TokenIssuer::TokenIssuer(std::function<std::string(std::string_view)> issuer_for)
    : issuer_for_(std::move(issuer_for)) {}

Result<jwt::Key> TokenIssuer::load_or_generate(const std::string& pem) {
  Result<jwt::Key> loaded =
      pem.empty() ? jwt::Key::generate(jwt::KeySpec::kRsa2048) : jwt::Key::from_pem(pem);
  if (!loaded.ok()) return loaded.error();
  jwt::Key key = std::move(loaded).value();
  if (key.type() != jwt::KeyType::kRsa || !key.has_private()) {
    return invalid_argument("signing key must be an RSA private key (RS256, as Cognito)");
  }
  DTS_ASSIGN_OR_RETURN(std::string kid, jwt::jwk_thumbprint(key));
  key.set_kid(kid);
  key.set_alg(jwt::Alg::kRS256);
  key.set_use("sig");
  return key;
}

Status TokenIssuer::set_keys(jwt::Key signing, jwt::KeySet published) {
  if (!signing.has_private() || signing.kid().empty()) {
    return invalid_argument("signing key needs a private part and a kid");
  }
  auto k = std::make_shared<Keys>(Keys{std::move(signing), std::move(published)});
  std::lock_guard lock(mutex_);
  keys_ = std::move(k);
  return ok_status();
}

std::shared_ptr<const TokenIssuer::Keys> TokenIssuer::keys() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

namespace {

TokenUser token_user(const TokenSubject& s) {
  TokenUser u;
  u.sub = s.user->id;
  u.username = s.user->username;
  u.groups = s.groups;
  if (std::string_view email = s.user->attribute("email"); !email.empty()) {
    u.email = std::string(email);
    u.email_verified = s.user->attribute("email_verified") == "true";
  }
  for (const auto& [name, value] : s.user->attributes) {
    if (name != "email" && name != "email_verified") {
      u.attributes.emplace_back(name, value);
    }
  }
  return u;
}

TokenGrant token_grant(const TokenSubject& s) {
  TokenGrant g;
  g.client_id = s.client->id;
  g.scopes = split_scopes(s.scope);
  g.auth_time = s.auth_time;
  g.origin_jti = s.origin_jti;
  g.nonce = s.nonce;
  return g;
}

// The hook's changes; attempts on protected claims are dropped and logged (never an error:
// Cognito ignores them too).
void customize(const TokenSubject& s, triggers::TokenUse use, boost::json::object& claims) {
  if (s.customization == nullptr) return;
  auto refused = triggers::apply_customization(*s.customization, use, claims);
  if (!refused.empty()) {
    boost::json::array names;
    for (auto& n : refused) names.emplace_back(n);
    log::warn("pre-token-generation hook tried to change protected claims; ignored",
              {{"token_use", use == triggers::TokenUse::kId ? "id" : "access"}, {"claims", names}});
  }
}

// Cognito gives the ID and access token of one authentication the same event_id.
std::string event_id(const TokenSubject& s) {
  return s.event_id.empty() ? ids::new_uuid_v4() : s.event_id;
}

}  // namespace

TokenSettings TokenIssuer::settings_for(const TokenSubject& s) const {
  return TokenSettings{issuer_for_(s.pool->id), std::chrono::seconds(s.client->id_token_ttl_s),
                       std::chrono::seconds(s.client->access_token_ttl_s)};
}

Result<std::string> TokenIssuer::mint_id_token(const TokenSubject& s, Clock::time_point now) const {
  auto k = keys();
  if (!k) return unavailable("no signing key");
  boost::json::object c = id_token_claims(token_user(s), token_grant(s), settings_for(s), now,
                                          ids::new_uuid_v4(), event_id(s), s.at_hash);
  customize(s, triggers::TokenUse::kId, c);
  return jwt::sign_jwt(jwt::Alg::kRS256, k->signing, c);
}

Result<std::string> TokenIssuer::mint_access_token(const TokenSubject& s,
                                                   Clock::time_point now) const {
  auto k = keys();
  if (!k) return unavailable("no signing key");
  boost::json::object c = access_token_claims(token_user(s), token_grant(s), settings_for(s), now,
                                              ids::new_uuid_v4(), event_id(s));
  customize(s, triggers::TokenUse::kAccess, c);
  return jwt::sign_jwt(jwt::Alg::kRS256, k->signing, c);
}

Result<AccessClaims> TokenIssuer::verify_access_token(std::string_view token,
                                                      Clock::time_point now) const {
  auto k = keys();
  if (!k) return unavailable("no signing key");
  auto decoded = jwt::decode_compact(token);
  if (!decoded.ok() || !decoded->claims) return revoked_or_invalid("Invalid Access Token");
  auto alg = jwt::header_alg(decoded->header);
  if (!alg.ok() || *alg != jwt::Alg::kRS256) return revoked_or_invalid("Invalid Access Token");
  const auto* kid = decoded->header.if_contains("kid");
  if (kid == nullptr || !kid->is_string()) return revoked_or_invalid("Invalid Access Token");
  const jwt::Key* key = k->published.find(kid->get_string());
  if (key == nullptr && k->signing.kid() == kid->get_string()) key = &k->signing;
  if (key == nullptr) return revoked_or_invalid("Invalid Access Token");
  if (!jwt::verify_signature(*decoded, jwt::Alg::kRS256, *key).ok()) {
    return revoked_or_invalid("Invalid Access Token");
  }
  const auto& c = *decoded->claims;
  auto str = [&](std::string_view name) -> std::string {
    const auto* v = c.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto num = [&](std::string_view name) -> int64_t {
    const auto* v = c.if_contains(name);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  if (str("token_use") != "access") return revoked_or_invalid("Invalid Access Token");
  AccessClaims out;
  out.exp = num("exp");
  out.iat = num("iat");
  if (out.exp <= seconds(now)) return revoked_or_invalid("Access Token has expired");
  out.sub = str("sub");
  out.username = str("username");
  out.client_id = str("client_id");
  out.origin_jti = str("origin_jti");
  out.scope = str("scope");
  std::string iss = str("iss");
  size_t slash = iss.rfind('/');
  out.pool_id = slash == std::string::npos ? std::string() : iss.substr(slash + 1);
  if (out.sub.empty() || out.pool_id.empty() || issuer_for_(out.pool_id) != iss) {
    return revoked_or_invalid("Invalid Access Token");
  }
  return out;
}

boost::json::object TokenIssuer::jwks() const {
  auto k = keys();
  if (!k) return boost::json::object{{"keys", boost::json::array()}};
  return k->published.to_public_jwks();
}

}  // namespace dts::identity
