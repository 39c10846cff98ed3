// Cognito actions that need AWS credentials (SigV4 with the admin key): user and group
// administration.

#include "identity/attributes.hpp"
#include "identity/cognito/action.hpp"
#include "identity/cognito/list_filter.hpp"
#include "identity/faults.hpp"

namespace dts::identity::cognito {
namespace {

using boost::json::object;

constexpr size_t kPoolIdBytes = 55;
constexpr size_t kUsernameBytes = 512;
constexpr size_t kGroupBytes = 512;

struct PoolUser {
  std::string pool_id;
  std::string username;
};

Result<PoolUser> pool_user(const object& body) {
  DTS_ASSIGN_OR_RETURN(std::string pool_id, required_string(body, "UserPoolId", kPoolIdBytes));
  DTS_ASSIGN_OR_RETURN(std::string username, required_string(body, "Username", kUsernameBytes));
  return PoolUser{std::move(pool_id), std::move(username)};
}

Task<Result<object>> admin_create_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_ASSIGN_OR_RETURN(const boost::json::array* list, optional_array(body, "UserAttributes"));
  DTS_CO_ASSIGN_OR_RETURN(Attributes attrs, parse_attribute_list(list, "userAttributes", Writer::kAdmin));
  DTS_CO_ASSIGN_OR_RETURN(auto temporary, optional_string(body, "TemporaryPassword", 256));
  DTS_CO_ASSIGN_OR_RETURN(auto action, optional_string(body, "MessageAction", 16));
  std::string message_action = action.value_or("");
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await ctx.accounts.admin_create_user(
                                         pu.pool_id, pu.username, attrs, temporary, message_action));
  object out;
  out["User"] = render_user_type(user);
  co_return out;
}

Task<Result<object>> admin_get_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_ASSIGN_OR_RETURN(UserPool pool, co_await ctx.accounts.pool(pu.pool_id));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await ctx.accounts.find_user(pool.id, pu.username));
  object out;
  out["Username"] = user.username;
  out["UserAttributes"] = render_attributes(user);
  out["UserCreateDate"] = user.created_at;
  out["UserLastModifiedDate"] = user.updated_at;
  out["Enabled"] = user.enabled;
  out["UserStatus"] = status_name(user.status);
  out["MFAOptions"] = boost::json::array();
  out["UserMFASettingList"] = boost::json::array();
  co_return out;
}

Task<Result<object>> admin_confirm_sign_up(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_TRY(co_await ctx.accounts.admin_confirm_sign_up(pu.pool_id, pu.username));
  co_return object{};
}

Task<Result<object>> admin_disable_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_TRY(co_await ctx.accounts.admin_set_enabled(pu.pool_id, pu.username, false));
  co_return object{};
}

Task<Result<object>> admin_enable_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_TRY(co_await ctx.accounts.admin_set_enabled(pu.pool_id, pu.username, true));
  co_return object{};
}

Task<Result<object>> admin_delete_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_TRY(co_await ctx.accounts.admin_delete_user(pu.pool_id, pu.username));
  co_return object{};
}

Task<Result<object>> admin_add_user_to_group(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_ASSIGN_OR_RETURN(std::string group, required_string(body, "GroupName", kGroupBytes));
  DTS_CO_TRY(co_await ctx.accounts.admin_add_user_to_group(pu.pool_id, pu.username, group));
  co_return object{};
}

Task<Result<object>> admin_remove_user_from_group(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_ASSIGN_OR_RETURN(std::string group, required_string(body, "GroupName", kGroupBytes));
  DTS_CO_TRY(co_await ctx.accounts.admin_remove_user_from_group(pu.pool_id, pu.username, group));
  co_return object{};
}

object groups_page(const std::vector<Group>& groups, int64_t limit) {
  object out;
  boost::json::array list;
  for (const auto& g : groups) list.push_back(render_group(g));
  out["Groups"] = std::move(list);
  if (static_cast<int64_t>(groups.size()) == limit && !groups.empty()) {
    out["NextToken"] = page_token(groups.back().name);
  }
  return out;
}

Task<Result<object>> admin_list_groups_for_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(PoolUser pu, pool_user(body));
  DTS_CO_ASSIGN_OR_RETURN(auto limit, optional_int(body, "Limit", 0, 60));
  DTS_CO_ASSIGN_OR_RETURN(auto next, optional_string(body, "NextToken", 1024));
  DTS_CO_ASSIGN_OR_RETURN(std::string after, read_page_token(next));
  int64_t n = limit.value_or(0) == 0 ? 60 : *limit;
  DTS_CO_ASSIGN_OR_RETURN(auto groups, co_await ctx.accounts.admin_list_groups_for_user(
                                           pu.pool_id, pu.username, n, after));
  co_return groups_page(groups, n);
}

Task<Result<object>> list_users(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string pool_id, required_string(body, "UserPoolId", kPoolIdBytes));
  DTS_CO_ASSIGN_OR_RETURN(auto limit, optional_int(body, "Limit", 0, 60));
  DTS_CO_ASSIGN_OR_RETURN(auto token, optional_string(body, "PaginationToken", 1024));
  DTS_CO_ASSIGN_OR_RETURN(auto filter_text, optional_string(body, "Filter", 256));
  DTS_CO_ASSIGN_OR_RETURN(std::string after, read_page_token(token));
  DTS_CO_ASSIGN_OR_RETURN(UserFilter filter, parse_list_filter(filter_text.value_or("")));
  int64_t n = limit.value_or(0) == 0 ? 60 : *limit;
  DTS_CO_ASSIGN_OR_RETURN(auto users, co_await ctx.accounts.list_users(pool_id, filter, n, after));
  object out;
  boost::json::array list;
  for (const auto& u : users) list.push_back(render_user_type(u));
  out["Users"] = std::move(list);
  if (static_cast<int64_t>(users.size()) == n && !users.empty()) {
    out["PaginationToken"] = page_token(users.back().username_key);
  }
  co_return out;
}

Task<Result<object>> create_group(ActionContext& ctx, const object& body) {
  Group g;
  DTS_CO_ASSIGN_OR_RETURN(g.pool_id, required_string(body, "UserPoolId", kPoolIdBytes));
  DTS_CO_ASSIGN_OR_RETURN(g.name, required_string(body, "GroupName", kGroupBytes));
  DTS_CO_ASSIGN_OR_RETURN(auto description, optional_string(body, "Description", 8192));
  DTS_CO_ASSIGN_OR_RETURN(g.precedence, optional_int(body, "Precedence", 0, 2147483647));
  DTS_CO_ASSIGN_OR_RETURN(g.role_arn, optional_string(body, "RoleArn", 2048));
  g.description = description.value_or("");
  DTS_CO_ASSIGN_OR_RETURN(Group created, co_await ctx.accounts.create_group(g));
  object out;
  out["Group"] = render_group(created);
  co_return out;
}

Task<Result<object>> list_groups(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string pool_id, required_string(body, "UserPoolId", kPoolIdBytes));
  DTS_CO_ASSIGN_OR_RETURN(auto limit, optional_int(body, "Limit", 0, 60));
  DTS_CO_ASSIGN_OR_RETURN(auto next, optional_string(body, "NextToken", 1024));
  DTS_CO_ASSIGN_OR_RETURN(std::string after, read_page_token(next));
  int64_t n = limit.value_or(0) == 0 ? 60 : *limit;
  DTS_CO_ASSIGN_OR_RETURN(auto groups, co_await ctx.accounts.list_groups(pool_id, n, after));
  co_return groups_page(groups, n);
}

constexpr Action kAdminActions[] = {
    {"AdminCreateUser", true, &admin_create_user},
    {"AdminGetUser", true, &admin_get_user},
    {"AdminConfirmSignUp", true, &admin_confirm_sign_up},
    {"AdminDisableUser", true, &admin_disable_user},
    {"AdminEnableUser", true, &admin_enable_user},
    {"AdminDeleteUser", true, &admin_delete_user},
    {"AdminAddUserToGroup", true, &admin_add_user_to_group},
    {"AdminRemoveUserFromGroup", true, &admin_remove_user_from_group},
    {"AdminListGroupsForUser", true, &admin_list_groups_for_user},
    {"ListUsers", true, &list_users},
    {"CreateGroup", true, &create_group},
    {"ListGroups", true, &list_groups},
};

}  // namespace

std::span<const Action> admin_actions() { return kAdminActions; }

}  // namespace dts::identity::cognito
