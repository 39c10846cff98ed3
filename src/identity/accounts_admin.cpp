// Accounts: administration (the SigV4-authenticated Cognito actions).

#include "common/ids.hpp"
#include "common/log.hpp"
#include "identity/accounts.hpp"
#include "identity/faults.hpp"
#include "identity/triggers/triggers.hpp"
#include "identity/username.hpp"

namespace dts::identity {
namespace {

Error group_not_found() { return fault(kResourceNotFound, "Group not found."); }

}  // namespace

Task<Result<User>> Accounts::admin_create_user(std::string pool_id, std::string username,
                                               Attributes attributes,
                                               std::optional<std::string> temporary_password,
                                               std::string message_action) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(auto name, normalize_username(username));
  if (message_action != "" && message_action != "SUPPRESS" && message_action != "RESEND") {
    co_return fault(kInvalidParameter, "MessageAction must be RESEND or SUPPRESS.");
  }
  std::string password;
  if (temporary_password) {
    DTS_CO_TRY(check_password_policy(options_.policy, *temporary_password));
    password = *temporary_password;
  } else {
    password = generate_password(options_.policy);
  }
  DTS_CO_ASSIGN_OR_RETURN(std::string hash, co_await passwords_.hash(password));

  User stored;
  if (message_action == "RESEND") {
    // Re-sends a (new) temporary password to an existing user who has not signed in yet.
    std::string key = name.key;
    auto existing = co_await store_.find_user(p.id, key);
    if (!existing.ok()) {
      if (existing.error().code() == Code::kNotFound) co_return fault(kUserNotFound, "User does not exist.");
      co_return existing.error();
    }
    if (existing->status != UserStatus::kForceChangePassword) {
      co_return fault(kUnsupportedOperation, "Resend not possible. " + existing->username +
                                                 " status is not FORCE_CHANGE_PASSWORD.");
    }
    std::string id = existing->id;
    DTS_CO_TRY(co_await store_.set_password(id, hash, UserStatus::kForceChangePassword));
    stored = std::move(existing).value();
  } else {
    User user;
    user.id = ids::new_uuid_v4();
    user.pool_id = p.id;
    user.username = name.display;
    user.username_key = name.key;
    user.attributes = std::move(attributes);
    user.status = UserStatus::kForceChangePassword;
    user.password_hash = std::move(hash);
    std::string skeleton = name.skeleton;
    auto created = co_await store_.create_user(user, skeleton);
    if (!created.ok()) {
      if (created.error().code() == Code::kAlreadyExists) {
        co_return fault(kUsernameExists, "User account already exists");
      }
      co_return created.error();
    }
    stored = std::move(created).value();
  }
  std::string email(stored.attribute("email"));
  if (message_action != "SUPPRESS" && !email.empty()) {
    CodeMessage message{stored.pool_id, stored.username, email, "temporary_password", password};
    DTS_CO_TRY(co_await sender_(std::move(message)));
  }
  log::info("user created by admin", {{"pool_id", stored.pool_id}, {"sub", stored.id}});
  co_return stored;
}

Task<Status> Accounts::admin_confirm_sign_up(std::string pool_id, std::string username) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  if (user.status != UserStatus::kUnconfirmed) {
    co_return fault(kNotAuthorized, "User cannot be confirmed. Current status is " +
                                        std::string(status_name(user.status)));
  }
  std::string id = user.id;
  if (triggers_ != nullptr) {
    // Before any change: a failing hook leaves the user UNCONFIRMED (Cognito calls admin
    // confirmations PostConfirmation_ConfirmSignUp too, without a client).
    User confirmed = user;
    confirmed.status = UserStatus::kConfirmed;
    std::string source = triggers::kPostConfirmSignUp;
    std::string client_id = triggers::kNoClient;
    DTS_CO_TRY(co_await triggers_->post_confirmation(source, confirmed, client_id));
  }
  std::string purpose = "confirm_sign_up";
  DTS_CO_ASSIGN_OR_RETURN(bool done, co_await store_.admin_confirm(id, purpose));
  if (!done) co_return fault(kNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED");
  log::info("user confirmed by admin", {{"pool_id", p.id}, {"sub", id}});
  co_return ok_status();
}

Task<Status> Accounts::admin_set_enabled(std::string pool_id, std::string username, bool enabled) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  std::string id = user.id;
  DTS_CO_TRY(co_await store_.set_enabled(id, enabled));
  // Cognito: disabling a user also revokes its tokens.
  if (!enabled) DTS_CO_TRY(co_await store_.revoke_user_sessions(id));
  log::info(enabled ? "user enabled" : "user disabled", {{"pool_id", p.id}, {"sub", id}});
  co_return ok_status();
}

Task<Status> Accounts::admin_delete_user(std::string pool_id, std::string username) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  std::string id = user.id;
  DTS_CO_TRY(co_await store_.delete_user(id));
  log::info("user deleted", {{"pool_id", p.id}, {"sub", id}});
  co_return ok_status();
}

Task<Status> Accounts::admin_add_user_to_group(std::string pool_id, std::string username,
                                               std::string group) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_TRY(check_text("GroupName", group, 128, false));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  auto g = co_await store_.get_group(p.id, group);
  if (!g.ok()) co_return g.error().code() == Code::kNotFound ? group_not_found() : g.error();
  std::string id = user.id;
  co_return co_await store_.add_member(p.id, group, id);
}

Task<Status> Accounts::admin_remove_user_from_group(std::string pool_id, std::string username,
                                                    std::string group) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_TRY(check_text("GroupName", group, 128, false));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  auto g = co_await store_.get_group(p.id, group);
  if (!g.ok()) co_return g.error().code() == Code::kNotFound ? group_not_found() : g.error();
  std::string id = user.id;
  co_return co_await store_.remove_member(p.id, group, id);
}

Task<Result<std::vector<Group>>> Accounts::admin_list_groups_for_user(std::string pool_id,
                                                                     std::string username,
                                                                     int64_t limit,
                                                                     std::string after) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await find_user(p.id, username));
  std::string id = user.id;
  co_return co_await store_.user_groups(id, limit, after);
}

Task<Result<std::vector<User>>> Accounts::list_users(std::string pool_id, UserFilter filter,
                                                     int64_t limit, std::string after_key) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  co_return co_await store_.list_users(p.id, filter, limit, after_key);
}

Task<Result<Group>> Accounts::create_group(Group group) {
  std::string pool_id = group.pool_id;
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  DTS_CO_TRY(check_text("groupName", group.name, 128, false));
  for (unsigned char c : group.name) {
    if (c == ' ') co_return fault(kInvalidParameter, "GroupName must not contain whitespace.");
  }
  DTS_CO_TRY(check_text("description", group.description, 2048));
  if (group.precedence && (*group.precedence < 0 || *group.precedence > 2147483647)) {
    co_return fault(kInvalidParameter, "Precedence must be between 0 and 2147483647.");
  }
  if (group.role_arn) DTS_CO_TRY(check_text("roleArn", *group.role_arn, 2048));
  auto created = co_await store_.create_group(group);
  if (!created.ok() && created.error().code() == Code::kAlreadyExists) {
    co_return fault(kGroupExists, "A group with the name " + group.name + " already exists.");
  }
  co_return created;
}

Task<Result<std::vector<Group>>> Accounts::list_groups(std::string pool_id, int64_t limit,
                                                       std::string after) {
  DTS_CO_ASSIGN_OR_RETURN(UserPool p, co_await pool(pool_id));
  co_return co_await store_.list_groups(p.id, limit, after);
}

}  // namespace dts::identity
