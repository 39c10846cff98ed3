#pragma once
// Accounts: the identity domain (Cognito's user-pool rules), used by the Cognito JSON API
// (cognito/*.cpp) and by the OIDC endpoints (hosted login page, /oauth2/token).
//
// Contract for the OIDC work — the calls it needs:
//   authenticate_password(pool_id, username, password, ip) -> Result<User>
//       throttled per user and per IP (LimitExceededException), no user enumeration (unknown
//       user and wrong password: same error, same Argon2 cost), disabled / unconfirmed /
//       expired-temporary-password users refused after the password check.
//   find_user(pool_id, username), get_user(sub), user_groups(user_id), client(id), pool(id)
//   issue_tokens(pool, client, user, scope, auth_time, nonce, with_refresh) -> IssuedTokens
//       creates the session (hashed refresh token + origin_jti) and mints ID/access tokens
//       through TokenIssuer (token_issuer.hpp).
//   refresh(client, refresh_token), revoke_refresh_token(client, token)
//
// Errors are dts::Error built with fault() (faults.hpp): Cognito's exception names.
// Thread-safety: all methods may run concurrently; state lives in the database, the
// throttles (mutex) and the password worker.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/pg/co_try.hpp"
#include "identity/model.hpp"
#include "identity/password.hpp"
#include "identity/password_worker.hpp"
#include "identity/store.hpp"
#include "identity/throttle.hpp"
#include "identity/token_issuer.hpp"

namespace dts::identity {

namespace triggers {
class Triggers;
}

// A code (or temporary password) to deliver. Senders must not log `code` unless they are
// the dev mailbox.
struct CodeMessage {
  std::string pool_id;
  std::string username;
  std::string destination;  // email address
  std::string purpose;      // confirm_sign_up | forgot_password | temporary_password
  std::string code;
};
using CodeSender = std::function<Task<Status>(CodeMessage)>;

struct CodeDelivery {
  std::string destination;  // masked, e.g. "a***@e***.com"
  std::string medium = "EMAIL";
  std::string attribute = "email";
};

struct AccountsOptions {
  PasswordPolicy policy;
  std::string code_key;
  std::chrono::seconds sign_up_code_ttl{24 * 3600};
  std::chrono::seconds reset_code_ttl{3600};
  int64_t code_max_attempts = 5;
  std::chrono::seconds challenge_ttl{180};
  size_t max_failed_per_user = 5;
  size_t max_failed_per_ip = 50;
  std::chrono::seconds failed_window{900};
  size_t max_codes_per_user_hour = 5;  // SignUp resend / ForgotPassword deliveries
};

// Result of USER_PASSWORD_AUTH: tokens, or a challenge to answer.
struct AuthOutcome {
  std::optional<IssuedTokens> tokens;
  std::string challenge_name;  // "NEW_PASSWORD_REQUIRED"
  std::string session;         // opaque, single use
  User user;
};

class Accounts {
 public:
  // `triggers` (may be null: no hooks) runs post-confirmation and pre-token-generation
  // (triggers/triggers.hpp); it must outlive the Accounts.
  Accounts(Store& store, PasswordWorker& passwords, TokenIssuer& issuer, CodeSender sender,
           AccountsOptions options, triggers::Triggers* triggers = nullptr);

  // ---- lookups ------------------------------------------------------------------------
  Task<Result<UserPool>> pool(std::string pool_id);      // ResourceNotFoundException
  Task<Result<AppClient>> client(std::string client_id);  // ResourceNotFoundException
  // Normalizes `username`; UserNotFoundException "User does not exist."
  Task<Result<User>> find_user(std::string pool_id, std::string username);
  Task<Result<User>> get_user(std::string user_id);
  // Sorted by precedence (none last), then name: the order of cognito:groups.
  Task<Result<std::vector<Group>>> user_groups(std::string user_id);
  // Cognito SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)); required
  // for confidential clients, ignored for public ones.
  Status check_secret_hash(const AppClient& client, std::string_view username,
                           std::string_view secret_hash) const;

  // ---- self-service ---------------------------------------------------------------------
  Task<Result<std::pair<User, CodeDelivery>>> sign_up(AppClient client, std::string username,
                                                      std::string password, Attributes attributes);
  Task<Status> confirm_sign_up(AppClient client, std::string username, std::string code);
  Task<Result<CodeDelivery>> resend_confirmation_code(AppClient client, std::string username);
  Task<Result<CodeDelivery>> forgot_password(AppClient client, std::string username);
  Task<Status> confirm_forgot_password(AppClient client, std::string username, std::string code,
                                       std::string password);

  // ---- authentication -------------------------------------------------------------------
  Task<Result<User>> authenticate_password(std::string pool_id, std::string username,
                                           std::string password, std::string ip);
  Task<Result<AuthOutcome>> initiate_password_auth(AppClient client, std::string username,
                                                   std::string password, std::string ip);
  Task<Result<IssuedTokens>> respond_new_password(AppClient client, std::string session,
                                                  std::string username, std::string new_password,
                                                  Attributes attributes);
  // Runs the pre-token-generation hook (`trigger_source`) first: when it fails nothing is
  // stored and no token is minted.
  Task<Result<IssuedTokens>> issue_tokens(UserPool pool, AppClient client, User user,
                                          std::string scope, int64_t auth_time,
                                          std::optional<std::string> nonce, bool with_refresh,
                                          std::string trigger_source);
  Task<Result<IssuedTokens>> refresh(AppClient client, std::string refresh_token);
  // RFC 7009 semantics: unknown tokens are not an error.
  Task<Status> revoke_refresh_token(AppClient client, std::string refresh_token);

  // ---- access-token actions (Cognito API) -----------------------------------------------
  // Verified, unexpired, not revoked (session active), user exists and is enabled.
  Task<Result<User>> user_for_access_token(std::string access_token);
  Task<Status> change_password(std::string access_token, std::string previous,
                               std::string proposed, std::string ip);
  Task<Status> global_sign_out(std::string access_token);

  // ---- administration (SigV4-authenticated callers) -------------------------------------
  Task<Result<User>> admin_create_user(std::string pool_id, std::string username,
                                       Attributes attributes,
                                       std::optional<std::string> temporary_password,
                                       std::string message_action);
  Task<Status> admin_confirm_sign_up(std::string pool_id, std::string username);
  Task<Status> admin_set_enabled(std::string pool_id, std::string username, bool enabled);
  Task<Status> admin_delete_user(std::string pool_id, std::string username);
  Task<Status> admin_add_user_to_group(std::string pool_id, std::string username,
                                       std::string group);
  Task<Status> admin_remove_user_from_group(std::string pool_id, std::string username,
                                            std::string group);
  Task<Result<std::vector<Group>>> admin_list_groups_for_user(std::string pool_id,
                                                              std::string username,
                                                              int64_t limit, std::string after);
  Task<Result<std::vector<User>>> list_users(std::string pool_id, UserFilter filter,
                                             int64_t limit, std::string after_key);
  Task<Result<Group>> create_group(Group group);
  Task<Result<std::vector<Group>>> list_groups(std::string pool_id, int64_t limit,
                                               std::string after);

  const AccountsOptions& options() const { return options_; }
  Store& store() { return store_; }

 private:
  // Checks `code` for (user, purpose) without consuming it (a wrong code counts as an
  // attempt); its HMAC on success, for the store's atomic consume-and-change.
  Task<Result<std::string>> check_code(const User& user, std::string purpose, std::string code);
  // The pre-token-generation hook's changes (none without a hook).
  Task<Result<triggers::TokenCustomization>> customize_tokens(std::string source, const User& user,
                                                              const AppClient& client,
                                                              const std::vector<Group>& groups,
                                                              const std::string& scope);
  Task<Result<CodeDelivery>> send_code(const User& user, std::string purpose,
                                       std::chrono::seconds ttl);
  Status check_code_send_rate(const User& user);
  Error incorrect_credentials() const;

  Store& store_;
  PasswordWorker& passwords_;
  TokenIssuer& issuer_;
  CodeSender sender_;
  AccountsOptions options_;
  triggers::Triggers* triggers_;
  FailureThrottle user_failures_;
  FailureThrottle ip_failures_;
  FailureThrottle code_sends_;
};

}  // namespace dts::identity
