#pragma once
// ID, access and refresh tokens with Amazon Cognito's shapes, so a client or gateway written
// for a Cognito user pool accepts ours unchanged.
//
// ID token (RS256, typ JWT, kid):
//   sub, aud (client id), iss, token_use "id", auth_time, exp, iat, jti, origin_jti,
//   event_id, cognito:username, cognito:groups (only when the user has groups, ordered by
//   precedence), email + email_verified (boolean) when the user has an email, the other
//   readable attributes (custom:tenant_id, name, ...), nonce (when the authorization request
//   had one), at_hash (when minted together with an access token through /oauth2/token).
// Access token for a user:
//   sub, iss, client_id, token_use "access", scope, auth_time, exp, iat, jti, origin_jti,
//   event_id, username, cognito:groups (when any), version 2.
// Access token for a client (client_credentials, no user):
//   sub = client_id, iss, client_id, token_use "access", scope, auth_time, exp, iat, jti,
//   version 2.
// Refresh tokens are opaque random strings; only their SHA-256 is stored.
//
// `origin_jti` names one authentication (one sign-in): every token minted from it, and from
// the refresh token it produced, carries the same value, so revoking the refresh token can
// revoke them all (Cognito's token revocation model).
//
// All functions are pure (apart from fresh random ids) and thread-safe.

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "identity/signing_keys.hpp"

namespace dts::identity {

// The user as tokens see them.
struct TokenUser {
  std::string sub;       // immutable user id (UUID)
  std::string username;  // cognito:username / username
  std::vector<std::string> groups;  // by precedence, lowest value first
  std::optional<std::string> email;
  bool email_verified = false;
  // Every other readable attribute with its Cognito name, e.g. {"custom:tenant_id", "t1"},
  // {"name", "Ada"}. "sub", "email" and "email_verified" here are ignored.
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct TokenSettings {
  std::string issuer;  // IDENTITY_ISSUER, e.g. https://cognito-idp.eu-west-1.amazonaws.com/<pool>
  std::chrono::seconds id_token_ttl{3600};
  std::chrono::seconds access_token_ttl{3600};
};

// One issuance: who asked, with what scopes, from which authentication.
struct TokenGrant {
  std::string client_id;
  std::vector<std::string> scopes;  // e.g. {"openid","email","aws.cognito.signin.user.admin"}
  int64_t auth_time = 0;            // seconds since the epoch when the user authenticated
  std::string origin_jti;           // the authentication this grant descends from
  std::optional<std::string> nonce;
  // Scope-filtered ID token ("email" scope -> email claims, "profile" -> standard
  // attributes). Cognito itself puts every readable attribute in the ID token whenever
  // "openid" is granted, so the service leaves this false; kept for clients that want
  // OIDC Core §5.4 minimal disclosure.
  bool filter_attributes_by_scope = false;
  // Add at_hash to the ID token (tokens issued together at /oauth2/token, OIDC Core §3.1.3.6).
  bool bind_at_hash = false;
};

// The Cognito scope string: scopes joined by one space.
std::string join_scopes(const std::vector<std::string>& scopes);
// Splits on spaces, dropping empties and duplicates (order kept).
std::vector<std::string> split_scopes(std::string_view text);
bool has_scope(const std::vector<std::string>& scopes, std::string_view scope);

boost::json::object id_token_claims(const TokenUser& user, const TokenGrant& grant,
                                    const TokenSettings& settings, TimePoint now,
                                    const std::string& jti, const std::string& event_id,
                                    std::optional<std::string> at_hash = std::nullopt);

boost::json::object access_token_claims(const TokenUser& user, const TokenGrant& grant,
                                        const TokenSettings& settings, TimePoint now,
                                        const std::string& jti, const std::string& event_id);

boost::json::object client_access_token_claims(const std::string& client_id,
                                               const std::vector<std::string>& scopes,
                                               const TokenSettings& settings, TimePoint now,
                                               const std::string& jti);

// OIDC Core §3.1.3.6: base64url of the left half of SHA-256(access_token) (RS256).
std::string access_token_hash(std::string_view access_token);

struct MintedTokens {
  std::string access_token;
  std::optional<std::string> id_token;
  int64_t expires_in = 0;  // seconds, of the access token
};

class TokenMinter {
 public:
  explicit TokenMinter(TokenSettings settings) : settings_(std::move(settings)) {}

  // Access token, plus an ID token when `with_id_token` (Cognito API: always; OAuth: when
  // the "openid" scope was granted). FailedPrecondition when the ring has no active key.
  Result<MintedTokens> mint_user_tokens(const KeyRing& ring, const TokenUser& user,
                                        const TokenGrant& grant, bool with_id_token,
                                        TimePoint now) const;

  // client_credentials access token.
  Result<MintedTokens> mint_client_token(const KeyRing& ring, const std::string& client_id,
                                         const std::vector<std::string>& scopes,
                                         TimePoint now) const;

  // Signs arbitrary claims with the active key (RS256, typ JWT, kid).
  Result<std::string> sign(const KeyRing& ring, const boost::json::object& claims,
                           TimePoint now) const;

  const TokenSettings& settings() const { return settings_; }

 private:
  TokenSettings settings_;
};

// A new opaque refresh token: 48 random bytes, base64url (64 characters).
std::string new_refresh_token();
// What the store keeps: lower-case hex SHA-256 of the token.
std::string hash_refresh_token(std::string_view token);

}  // namespace dts::identity
