#pragma once
// The identity domain's plain values (Cognito's model): user pools, app clients, users,
// groups. No behaviour here; rules live in accounts*.cpp, SQL in store*.cpp.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dts::identity {

// Cognito's UserStatusType values that this service uses.
enum class UserStatus { kUnconfirmed, kConfirmed, kForceChangePassword, kResetRequired };

std::string_view status_name(UserStatus status);
std::optional<UserStatus> parse_status(std::string_view text);

struct UserPool {
  std::string id;  // "<region>_<suffix>", e.g. "us-east-1_DTSlocal"
  std::string name;
  int64_t created_at = 0;  // epoch seconds
};

struct AppClient {
  std::string id;
  std::string pool_id;
  std::string name;
  std::optional<std::string> secret;  // none = public client (PKCE)
  std::vector<std::string> callback_urls;
  std::vector<std::string> logout_urls;
  std::vector<std::string> allowed_scopes;
  std::vector<std::string> allowed_oauth_flows;  // "code", "client_credentials"
  std::vector<std::string> explicit_auth_flows;  // "ALLOW_USER_PASSWORD_AUTH", ...
  int64_t access_token_ttl_s = 3600;
  int64_t id_token_ttl_s = 3600;
  int64_t refresh_token_ttl_s = 30 * 24 * 3600;

  bool is_public() const { return !secret.has_value(); }
  bool allows_flow(std::string_view flow) const;
};

// Attributes by name ("email", "email_verified", "custom:tenant_id"...). "sub" is the id.
using Attributes = std::map<std::string, std::string, std::less<>>;

struct User {
  std::string id;  // uuid, the "sub"
  std::string pool_id;
  std::string username;      // as the user chose it (NFKC-normalized)
  std::string username_key;  // case-folded lookup key
  Attributes attributes;
  UserStatus status = UserStatus::kUnconfirmed;
  bool enabled = true;
  std::string password_hash;  // never leaves the service
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // The attribute's value or empty.
  std::string_view attribute(std::string_view name) const;
};

struct Group {
  std::string pool_id;
  std::string name;
  std::string description;
  std::optional<int64_t> precedence;  // lower wins (cognito:preferred_role)
  std::optional<std::string> role_arn;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A sign-in session: one refresh token and the origin_jti of every token minted from it.
struct Session {
  std::string origin_jti;
  std::string pool_id;
  std::string client_id;
  std::string user_id;
  std::string scope;
  int64_t auth_time = 0;
  int64_t expires_at = 0;
  bool revoked = false;
};

// One message of the dev mailbox.
struct MailboxMessage {
  int64_t id = 0;
  std::string pool_id;
  std::string username;
  std::string destination;
  std::string purpose;
  std::string code;
  std::string created_at;  // ISO 8601 UTC
};

}  // namespace dts::identity
