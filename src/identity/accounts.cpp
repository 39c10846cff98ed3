// Accounts: lookups, sign-up, confirmation and forgot-password codes.

#include "identity/accounts.hpp"

#include <algorithm>

#include "common/ids.hpp"
#include "common/log.hpp"
#include "identity/attributes.hpp"
#include "identity/codes.hpp"
#include "identity/faults.hpp"
#include "identity/triggers/triggers.hpp"
#include "identity/username.hpp"
#include "jwt/base64.hpp"

namespace dts::identity {
namespace {

constexpr const char* kConfirmSignUp = "confirm_sign_up";
constexpr const char* kForgotPassword = "forgot_password";

Error user_not_found() { return fault(kUserNotFound, "User does not exist."); }
Error code_mismatch() {
  return fault(kCodeMismatch, "Invalid verification code provided, please try again.");
}
Error code_expired() {
  return fault(kExpiredCode, "Invalid code provided, please request a code again.");
}

}  // namespace

Accounts::Accounts(Store& store, PasswordWorker& passwords, TokenIssuer& issuer, CodeSender sender,
                   AccountsOptions options, triggers::Triggers* triggers)
    : store_(store),
      passwords_(passwords),
      issuer_(issuer),
      sender_(std::move(sender)),
      options_(std::move(options)),
      triggers_(triggers),
      user_failures_(options_.max_failed_per_user, options_.failed_window),
      ip_failures_(options_.max_failed_per_ip, options_.failed_window),
      code_sends_(options_.max_codes_per_user_hour, std::chrono::hours(1)) {}

Task<Result<UserPool>> Accounts::pool(std::string pool_id) {
  if (pool_id.empty() || pool_id.size() > 55) {
    co_return fault(kInvalidParameter, "UserPoolId must be 1 to 55 characters.");
  }
  auto p = co_await store_.get_pool(pool_id);
  if (!p.ok() && p.error().code() == Code::kNotFound) {
    co_return fault(kResourceNotFound, "User pool " + pool_id + " does not exist.");
  }
  co_return p;
}

Task<Result<AppClient>> Accounts::client(std::string client_id) {
  if (client_id.empty() || client_id.size() > 128) {
    co_return fault(kInvalidParameter, "ClientId must be 1 to 128 characters.");
  }
  auto c = co_await store_.get_client(client_id);
  if (!c.ok() && c.error().code() == Code::kNotFound) {
    // Cognito's answer for an unknown client id.
    co_return fault(kResourceNotFound, "User pool client " + client_id + " does not exist.");
  }
  co_return c;
}

Task<Result<User>> Accounts::find_user(std::string pool_id, std::string username) {
  auto name = normalize_username(username);
  if (!name.ok()) co_return name.error();
  std::string key = name->key;
  auto u = co_await store_.find_user(pool_id, key);
  if (!u.ok() && u.error().code() == Code::kNotFound) co_return user_not_found();
  co_return u;
}

Task<Result<User>> Accounts::get_user(std::string user_id) {
  if (!ids::is_valid_uuid(user_id)) co_return user_not_found();
  auto u = co_await store_.get_user(user_id);
  if (!u.ok() && u.error().code() == Code::kNotFound) co_return user_not_found();
  co_return u;
}

Task<Result<std::vector<Group>>> Accounts::user_groups(std::string user_id) {
  auto groups = co_await store_.user_groups(user_id);
  if (!groups.ok()) co_return groups.error();
  std::stable_sort(groups->begin(), groups->end(), [](const Group& a, const Group& b) {
    int64_t pa = a.precedence.value_or(INT64_MAX), pb = b.precedence.value_or(INT64_MAX);
    return pa != pb ? pa < pb : a.name < b.name;
  });
  co_return groups;
}

Status Accounts::check_secret_hash(const AppClient& client, std::string_view username,
                                   std::string_view secret_hash) const {
  if (client.is_public()) return ok_status();
  if (secret_hash.empty()) {
    return fault(kNotAuthorized, "Client " + client.id + " is configured with secret but SECRET_HASH was not received");
  }
  std::string message = std::string(username) + client.id;
  std::string expected = jwt::base64_encode(hmac_sha256(*client.secret, message));
  if (!ids::constant_time_equal(expected, secret_hash)) {
    return fault(kNotAuthorized, "Unable to verify secret hash for client " + client.id);
  }
  return ok_status();
}

Status Accounts::check_code_send_rate(const User& user) {
  std::string key = user.pool_id + "/" + user.username_key;
  if (code_sends_.blocked(key)) {
    return fault(kLimitExceeded, "Attempt limit exceeded, please try after some time.");
  }
  code_sends_.record_failure(key);  // counts sends, not failures
  return ok_status();
}

Task<Result<CodeDelivery>> Accounts::send_code(const User& user, std::string purpose,
                                               std::chrono::seconds ttl) {
  std::string email(user.attribute("email"));
  if (email.empty()) {
    co_return fault(kInvalidParameter, "Cannot send a code: the user has no email attribute.");
  }
  std::string code = generate_code();
  std::string hash = hash_code(options_.code_key, user.id, purpose, code);
  int64_t ttl_s = ttl.count();
  std::string user_id = user.id;
  DTS_CO_TRY(co_await store_.put_code(user_id, purpose, hash, ttl_s));
  CodeMessage message{user.pool_id, user.username, email, purpose, code};
  DTS_CO_TRY(co_await sender_(std::move(message)));
  CodeDelivery d;
  d.destination = mask_email(email);
  co_return d;
}

Task<Result<std::string>> Accounts::check_code(const User& user, std::string purpose,
                                               std::string code) {
  if (!well_formed_code(code)) co_return code_mismatch();
  std::string user_id = user.id;
  DTS_CO_ASSIGN_OR_RETURN(auto row, co_await store_.get_code(user_id, purpose));
  if (!row || row->expired || row->attempts >= options_.code_max_attempts) {
    co_return code_expired();
  }
  std::string hash = hash_code(options_.code_key, user.id, purpose, code);
  if (!ids::constant_time_equal(hash, row->code_hash)) {
    DTS_CO_TRY(co_await store_.count_code_failure(user_id, purpose));
    co_return code_mismatch();
  }
  co_return hash;
}

Task<Result<std::pair<User, CodeDelivery>>> Accounts::sign_up(AppClient client, std::string username,
                                                              std::string password,
                                                              Attributes attributes) {
  DTS_CO_ASSIGN_OR_RETURN(auto name, normalize_username(username));
  DTS_CO_TRY(check_password_policy(options_.policy, password));
  if (attributes.find("email") == attributes.end()) {
    co_return fault(kInvalidParameter, "Attributes did not conform to the schema: email: The attribute is required");
  }
  DTS_CO_ASSIGN_OR_RETURN(std::string hash, co_await passwords_.hash(password));
  User user;
  user.id = ids::new_uuid_v4();
  user.pool_id = client.pool_id;
  user.username = name.display;
  user.username_key = name.key;
  user.attributes = std::move(attributes);
  user.attributes["email_verified"] = "false";
  user.status = UserStatus::kUnconfirmed;
  user.password_hash = std::move(hash);
  std::string skeleton = name.skeleton;
  auto created = co_await store_.create_user(user, skeleton);
  if (!created.ok()) {
    if (created.error().code() == Code::kAlreadyExists) {
      co_return fault(kUsernameExists, "User already exists");
    }
    co_return created.error();
  }
  User stored = std::move(created).value();
  DTS_CO_TRY(check_code_send_rate(stored));
  std::string purpose = kConfirmSignUp;
  DTS_CO_ASSIGN_OR_RETURN(auto delivery, co_await send_code(stored, purpose, options_.sign_up_code_ttl));
  co_return std::pair<User, CodeDelivery>(std::move(stored), std::move(delivery));
}

Task<Status> Accounts::confirm_sign_up(AppClient client, std::string username, std::string code) {
  auto user = co_await find_user(client.pool_id, username);
  if (!user.ok()) {
    // No enumeration: an unknown user looks like a wrong code.
    if (fault_type(user.error()) == kUserNotFound) co_return code_mismatch();
    co_return user.error();
  }
  if (user->status != UserStatus::kUnconfirmed) {
    co_return fault(kNotAuthorized, "User cannot be confirmed. Current status is " +
                                        std::string(status_name(user->status)));
  }
  std::string purpose = kConfirmSignUp;
  DTS_CO_ASSIGN_OR_RETURN(std::string hash, co_await check_code(*user, purpose, code));
  std::string id = user->id;
  if (triggers_ != nullptr) {
    // The hook runs before anything changes: if it fails the user stays UNCONFIRMED and the
    // code stays usable (README "Triggers", failure semantics).
    User confirmed = *user;
    confirmed.status = UserStatus::kConfirmed;
    confirmed.attributes["email_verified"] = "true";
    std::string source = triggers::kPostConfirmSignUp;
    std::string client_id = client.id;
    DTS_CO_TRY(co_await triggers_->post_confirmation(source, confirmed, client_id));
  }
  // The DELETE inside decides: of two concurrent uses of one code exactly one succeeds.
  DTS_CO_ASSIGN_OR_RETURN(bool done, co_await store_.confirm_with_code(id, purpose, hash,
                                                                      options_.code_max_attempts));
  if (!done) co_return code_expired();
  log::info("user confirmed", {{"pool_id", user->pool_id}, {"sub", user->id}});
  co_return ok_status();
}

Task<Result<CodeDelivery>> Accounts::resend_confirmation_code(AppClient client, std::string username) {
  auto user = co_await find_user(client.pool_id, username);
  if (!user.ok()) {
    if (fault_type(user.error()) == kUserNotFound) {
      // Same shape as a real delivery (Cognito with PreventUserExistenceErrors).
      co_return CodeDelivery{"a***@e***.com"};
    }
    co_return user.error();
  }
  if (user->status != UserStatus::kUnconfirmed) {
    co_return fault(kInvalidParameter, "User is already confirmed.");
  }
  DTS_CO_TRY(check_code_send_rate(*user));
  std::string purpose = kConfirmSignUp;
  co_return co_await send_code(*user, purpose, options_.sign_up_code_ttl);
}

Task<Result<CodeDelivery>> Accounts::forgot_password(AppClient client, std::string username) {
  auto user = co_await find_user(client.pool_id, username);
  if (!user.ok()) {
    if (fault_type(user.error()) == kUserNotFound) co_return CodeDelivery{"a***@e***.com"};
    co_return user.error();
  }
  if (!user->enabled) co_return fault(kNotAuthorized, "User is disabled.");
  DTS_CO_TRY(check_code_send_rate(*user));
  std::string purpose = kForgotPassword;
  co_return co_await send_code(*user, purpose, options_.reset_code_ttl);
}

Task<Status> Accounts::confirm_forgot_password(AppClient client, std::string username,
                                               std::string code, std::string password) {
  DTS_CO_TRY(check_password_policy(options_.policy, password));
  auto user = co_await find_user(client.pool_id, username);
  if (!user.ok()) {
    if (fault_type(user.error()) == kUserNotFound) co_return code_mismatch();
    co_return user.error();
  }
  std::string purpose = kForgotPassword;
  DTS_CO_ASSIGN_OR_RETURN(std::string code_hash, co_await check_code(*user, purpose, code));
  DTS_CO_ASSIGN_OR_RETURN(std::string hash, co_await passwords_.hash(password));
  std::string id = user->id;
  if (triggers_ != nullptr) {
    User reset = *user;
    if (reset.status != UserStatus::kUnconfirmed) reset.status = UserStatus::kConfirmed;
    std::string source = triggers::kPostConfirmForgotPassword;
    std::string client_id = client.id;
    DTS_CO_TRY(co_await triggers_->post_confirmation(source, reset, client_id));
  }
  // One statement: the code consumed, the password replaced and (the old password may be
  // compromised) every session revoked, or none of it.
  DTS_CO_ASSIGN_OR_RETURN(bool done,
                          co_await store_.reset_password_with_code(
                              id, purpose, code_hash, options_.code_max_attempts, hash));
  if (!done) co_return code_expired();
  co_return ok_status();
}

}  // namespace dts::identity
