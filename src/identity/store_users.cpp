#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/pg/co_try.hpp"
#include "identity/store.hpp"
#include "identity/store_rows.hpp"

namespace dts::identity {
namespace detail {

User user_from(const pg::Row& row) {
  User u;
  u.id = row.get<std::string>(0);
  u.pool_id = row.get<std::string>(1);
  u.username = row.get<std::string>(2);
  u.username_key = row.get<std::string>(3);
  boost::system::error_code ec;
  auto attrs = boost::json::parse(row.get<std::string_view>(4), ec);
  if (!ec && attrs.is_object()) {
    for (const auto& [k, v] : attrs.get_object()) {
      if (v.is_string()) u.attributes.emplace(std::string(k), std::string(v.get_string()));
    }
  }
  u.status = parse_status(row.get<std::string_view>(5)).value_or(UserStatus::kUnconfirmed);
  u.enabled = row.get<bool>(6);
  u.password_hash = row.get<std::string>(7);
  u.created_at = row.get<int64_t>(8);
  u.updated_at = row.get<int64_t>(9);
  return u;
}

std::string attributes_json(const Attributes& attributes) {
  boost::json::object o;
  for (const auto& [k, v] : attributes) o[k] = v;
  return boost::json::serialize(o);
}

std::string string_array_json(const std::vector<std::string>& values) {
  boost::json::array a;
  for (const auto& v : values) a.emplace_back(v);
  return boost::json::serialize(a);
}

std::vector<std::string> string_array_from(std::string_view json_text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

}  // namespace detail

namespace {

using detail::kUserColumns;
using detail::user_from;

const std::string kInsertUser = std::string(
    "INSERT INTO identity.users (id, pool_id, username, username_key, username_skeleton, "
    "attributes, status, enabled, password_hash) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) RETURNING ") + kUserColumns;
const std::string kFindUser = std::string("SELECT ") + kUserColumns +
                              " FROM identity.users WHERE pool_id = $1 AND username_key = $2";
const std::string kGetUser =
    std::string("SELECT ") + kUserColumns + " FROM identity.users WHERE id = $1::uuid";
constexpr const char* kSetStatus =
    "UPDATE identity.users SET status = $2, updated_at = now() WHERE id = $1::uuid";
constexpr const char* kSetPassword =
    "UPDATE identity.users SET password_hash = $2, status = $3, updated_at = now() "
    "WHERE id = $1::uuid";
constexpr const char* kSetEnabled =
    "UPDATE identity.users SET enabled = $2, updated_at = now() WHERE id = $1::uuid";
constexpr const char* kSetAttributes =
    "UPDATE identity.users SET attributes = $2::jsonb, updated_at = now() WHERE id = $1::uuid";
constexpr const char* kDeleteUser = "DELETE FROM identity.users WHERE id = $1::uuid";

Status affected_one(const pg::Rows& rows, std::string_view what) {
  if (rows.affected() == 0) return not_found(std::string(what) + " does not exist");
  return ok_status();
}

// The WHERE fragment for a ListUsers filter; only fixed text, the value is parameter $2 and
// an attribute name (for generic attributes) parameter $5.
std::string filter_sql(const UserFilter& f) {
  std::string column;
  if (f.attribute == "username") {
    column = "username_key";
  } else if (f.attribute == "email") {
    column = "email";
  } else if (f.attribute == "sub") {
    column = "id::text";
  } else if (f.attribute == "cognito:user_status") {
    column = "status";
  } else if (f.attribute == "status") {
    column = "(CASE WHEN enabled THEN 'Enabled' ELSE 'Disabled' END)";
  } else {
    column = "(attributes ->> $5)";
  }
  return f.prefix ? " AND starts_with(" + column + ", $2)" : " AND " + column + " = $2";
}

}  // namespace

Task<Result<User>> Store::create_user(User user, std::string skeleton) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string attrs = detail::attributes_json(user.attributes);
  std::string status(status_name(user.status));
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_insert_user", kInsertUser, user.id, user.pool_id,
                                          user.username, user.username_key, skeleton, attrs, status,
                                          user.enabled, user.password_hash));
  co_return user_from(rows[0]);
}

Task<Result<User>> Store::find_user(std::string pool_id, std::string username_key) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows,
                          co_await lease->prepared("identity_find_user", kFindUser, pool_id, username_key));
  if (rows.empty()) co_return not_found("user does not exist");
  co_return user_from(rows[0]);
}

Task<Result<User>> Store::get_user(std::string user_id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_get_user", kGetUser, user_id));
  if (rows.empty()) co_return not_found("user does not exist");
  co_return user_from(rows[0]);
}

Task<Status> Store::set_status(std::string user_id, UserStatus status) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string s(status_name(status));
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_set_status", kSetStatus, user_id, s));
  co_return affected_one(rows, "user");
}

Task<Status> Store::set_password(std::string user_id, std::string hash, UserStatus status) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string s(status_name(status));
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_set_password", kSetPassword, user_id, hash, s));
  co_return affected_one(rows, "user");
}

Task<Status> Store::set_enabled(std::string user_id, bool enabled) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows,
                          co_await lease->prepared("identity_set_enabled", kSetEnabled, user_id, enabled));
  co_return affected_one(rows, "user");
}

Task<Status> Store::set_attributes(std::string user_id, Attributes attributes) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string attrs = detail::attributes_json(attributes);
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_set_attributes", kSetAttributes, user_id, attrs));
  co_return affected_one(rows, "user");
}

Task<Status> Store::delete_user(std::string user_id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_delete_user", kDeleteUser, user_id));
  co_return affected_one(rows, "user");
}

Task<Result<std::vector<User>>> Store::list_users(std::string pool_id, UserFilter filter,
                                                  int64_t limit, std::string after_key) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string sql = std::string("SELECT ") + kUserColumns +
                    " FROM identity.users WHERE pool_id = $1 AND username_key > $3";
  std::string value = filter.value;
  std::string attribute = filter.attribute;
  pg::Rows rows(nullptr);
  if (filter.attribute.empty()) {
    sql += " AND $2::text IS NULL ORDER BY username_key LIMIT $4";
    std::optional<std::string> none;
    DTS_CO_ASSIGN_OR_RETURN(rows, co_await lease->query(sql, pool_id, none, after_key, limit));
  } else if (filter_sql(filter).find("$5") != std::string::npos) {
    sql += filter_sql(filter) + " ORDER BY username_key LIMIT $4";
    DTS_CO_ASSIGN_OR_RETURN(rows, co_await lease->query(sql, pool_id, value, after_key, limit, attribute));
  } else {
    sql += filter_sql(filter) + " ORDER BY username_key LIMIT $4";
    DTS_CO_ASSIGN_OR_RETURN(rows, co_await lease->query(sql, pool_id, value, after_key, limit));
  }
  std::vector<User> out;
  for (auto row : rows) out.push_back(user_from(row));
  co_return out;
}

}  // namespace dts::identity
