#include "common/pg/co_try.hpp"
#include "identity/store.hpp"
#include "identity/store_rows.hpp"

namespace dts::identity {
namespace detail {

Group group_from(const pg::Row& row) {
  Group g;
  g.pool_id = row.get<std::string>(0);
  g.name = row.get<std::string>(1);
  g.description = row.get<std::string>(2);
  g.precedence = row.opt<int64_t>(3);
  g.role_arn = row.opt<std::string>(4);
  g.created_at = row.get<int64_t>(5);
  g.updated_at = row.get<int64_t>(6);
  return g;
}

}  // namespace detail

namespace {

using detail::group_from;
using detail::kGroupColumns;

const std::string kInsertGroup = std::string(
    "INSERT INTO identity.groups (pool_id, name, description, precedence, role_arn) "
    "VALUES ($1, $2, $3, $4::integer, $5) RETURNING ") + kGroupColumns;
constexpr const char* kEnsureGroup =
    "INSERT INTO identity.groups (pool_id, name, description, precedence, role_arn) "
    "VALUES ($1, $2, $3, $4::integer, $5) ON CONFLICT (pool_id, name) DO NOTHING";
const std::string kGetGroup = std::string("SELECT ") + kGroupColumns +
                              " FROM identity.groups WHERE pool_id = $1 AND name = $2";
const std::string kListGroups = std::string("SELECT ") + kGroupColumns +
                                " FROM identity.groups WHERE pool_id = $1 AND name > $2 "
                                "ORDER BY name LIMIT $3";
// ON CONFLICT: adding a member twice is a no-op, as in Cognito.
constexpr const char* kAddMember =
    "INSERT INTO identity.group_member (pool_id, group_name, user_id) "
    "VALUES ($1, $2, $3::uuid) ON CONFLICT DO NOTHING";
constexpr const char* kRemoveMember =
    "DELETE FROM identity.group_member WHERE pool_id = $1 AND group_name = $2 AND user_id = $3::uuid";
const std::string kUserGroups =
    "SELECT g.pool_id, g.name, g.description, g.precedence, g.role_arn, "
    "extract(epoch from g.created_at)::bigint, extract(epoch from g.updated_at)::bigint "
    "FROM identity.group_member m JOIN identity.groups g "
    "ON g.pool_id = m.pool_id AND g.name = m.group_name "
    "WHERE m.user_id = $1::uuid AND g.name > $2 ORDER BY g.name LIMIT $3";

std::optional<std::string> precedence_param(const Group& g) {
  if (!g.precedence) return std::nullopt;
  return std::to_string(*g.precedence);
}

}  // namespace

Task<Result<Group>> Store::create_group(Group group) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  auto precedence = precedence_param(group);
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_insert_group", kInsertGroup, group.pool_id,
                                          group.name, group.description, precedence, group.role_arn));
  co_return group_from(rows[0]);
}

Task<Status> Store::ensure_group(Group group) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  auto precedence = precedence_param(group);
  DTS_CO_TRY(co_await lease->prepared("identity_ensure_group", kEnsureGroup, group.pool_id, group.name,
                                      group.description, precedence, group.role_arn));
  co_return ok_status();
}

Task<Result<Group>> Store::get_group(std::string pool_id, std::string name) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_get_group", kGetGroup, pool_id, name));
  if (rows.empty()) co_return not_found("group does not exist");
  co_return group_from(rows[0]);
}

Task<Result<std::vector<Group>>> Store::list_groups(std::string pool_id, int64_t limit,
                                                    std::string after_name) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_list_groups", kListGroups, pool_id, after_name, limit));
  std::vector<Group> out;
  for (auto row : rows) out.push_back(group_from(row));
  co_return out;
}

Task<Status> Store::add_member(std::string pool_id, std::string group, std::string user_id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_add_member", kAddMember, pool_id, group, user_id));
  co_return ok_status();
}

Task<Status> Store::remove_member(std::string pool_id, std::string group, std::string user_id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_remove_member", kRemoveMember, pool_id, group, user_id));
  co_return ok_status();
}

Task<Result<std::vector<Group>>> Store::user_groups(std::string user_id, int64_t limit,
                                                    std::string after_name) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  int64_t n = limit <= 0 ? 10000 : limit;
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_user_groups", kUserGroups, user_id, after_name, n));
  std::vector<Group> out;
  for (auto row : rows) out.push_back(group_from(row));
  co_return out;
}

}  // namespace dts::identity
