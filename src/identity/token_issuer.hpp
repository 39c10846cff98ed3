#pragma once
// TokenIssuer: the one place the identity service mints and verifies its JWTs, for the
// Cognito API (InitiateAuth, ...) and the OAuth endpoints (src/identity/oauth).
//
//   IssuedTokens  {id_token, access_token, refresh_token, expires_in, token_type}
//   TokenSubject  {pool, client, user, groups, scope, auth_time, origin_jti, nonce, at_hash}
//   mint_id_token(subject, now)     -> Result<std::string>   (token_use=id)
//   mint_access_token(subject, now) -> Result<std::string>   (token_use=access)
//   verify_access_token(token, now) -> Result<AccessClaims>  (our own access tokens only)
//
// The claim sets are Cognito's and are built by tokens.hpp (id_token_claims,
// access_token_claims). The keys come from KeyManager (key_manager.hpp: rotating RS256 keys,
// sealed at rest), which calls `set_keys()` whenever the active key or the published set
// changes; the snapshot swap never blocks readers. `load_or_generate` remains for tests.
//
// Refresh tokens are opaque and minted by Accounts::issue_tokens (accounts.hpp) or the OAuth
// token endpoint, which store the session (hash of the refresh token + origin_jti).

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "identity/model.hpp"
#include "identity/tokens.hpp"
#include "identity/triggers/customization.hpp"
#include "jwt/key.hpp"
#include "jwt/key_set.hpp"

namespace dts::identity {

struct IssuedTokens {
  std::string id_token;
  std::string access_token;
  std::string refresh_token;  // empty when none is issued (REFRESH_TOKEN_AUTH, client_credentials)
  int64_t expires_in = 0;     // seconds, of the access token
  std::string token_type = "Bearer";
};

// Who a token is for. Groups are sorted by precedence (lowest first), then name.
struct TokenSubject {
  const UserPool* pool = nullptr;
  const AppClient* client = nullptr;
  const User* user = nullptr;
  std::vector<std::string> groups;
  std::string scope = "aws.cognito.signin.user.admin";
  int64_t auth_time = 0;
  std::string origin_jti;
  std::optional<std::string> nonce;
  // OIDC at_hash of the access token minted alongside (OAuth token endpoint), if any.
  std::optional<std::string> at_hash;
  // Shared by the tokens of one issuance (Cognito's event_id); empty = a fresh one per token.
  std::string event_id;
  // The pre-token-generation hook's changes (triggers/customization.hpp), applied to both
  // claim sets just before signing; null = none. Must outlive the mint calls.
  const triggers::TokenCustomization* customization = nullptr;
};

// What the Cognito API needs from a verified access token.
struct AccessClaims {
  std::string sub;
  std::string username;
  std::string client_id;
  std::string pool_id;  // from iss
  std::string origin_jti;
  std::string scope;
  int64_t iat = 0;
  int64_t exp = 0;
};

class TokenIssuer {
 public:
  using Clock = std::chrono::system_clock;

  // `issuer_for(pool_id)` gives the "iss" of a pool, e.g.
  // "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc" or "http://127.0.0.1:9001/<pool>".
  explicit TokenIssuer(std::function<std::string(std::string_view)> issuer_for);

  // `signing` must hold a private RSA key with a kid; `published` is the JWKS (public keys,
  // including retired-but-still-valid ones). Thread-safe.
  Status set_keys(jwt::Key signing, jwt::KeySet published);
  // Loads a PEM private key or generates RSA-2048; kid = RFC 7638 thumbprint.
  static Result<jwt::Key> load_or_generate(const std::string& pem);

  Result<std::string> mint_id_token(const TokenSubject& subject, Clock::time_point now) const;
  Result<std::string> mint_access_token(const TokenSubject& subject, Clock::time_point now) const;

  // Signature (a key of the published set), alg RS256, token_use=access, not expired, and
  // iss of a pool this service knows (`pool_of_issuer`). NotAuthorizedException otherwise.
  Result<AccessClaims> verify_access_token(std::string_view token, Clock::time_point now) const;

  // The public JWKS document.
  boost::json::object jwks() const;
  std::string issuer_for(std::string_view pool_id) const { return issuer_for_(pool_id); }

 private:
  TokenSettings settings_for(const TokenSubject& subject) const;

  struct Keys {
    jwt::Key signing;
    jwt::KeySet published;
  };
  std::shared_ptr<const Keys> keys() const;

  std::function<std::string(std::string_view)> issuer_for_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Keys> keys_;
};

}  // namespace dts::identity
