#pragma once
// Row <-> value helpers shared by the store_*.cpp files (internal to the store).

#include <boost/json/array.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/pg/rows.hpp"
#include "identity/model.hpp"

namespace dts::identity::detail {

// Column lists in the order the parsers below expect.
inline constexpr const char* kUserColumns =
    "id::text, pool_id, username, username_key, attributes::text, status, enabled, "
    "password_hash, extract(epoch from created_at)::bigint, extract(epoch from updated_at)::bigint";
inline constexpr const char* kGroupColumns =
    "pool_id, name, description, precedence, role_arn, extract(epoch from created_at)::bigint, "
    "extract(epoch from updated_at)::bigint";

User user_from(const pg::Row& row);
Group group_from(const pg::Row& row);

// JSON text for a jsonb parameter.
std::string attributes_json(const Attributes& attributes);
std::string string_array_json(const std::vector<std::string>& values);
std::vector<std::string> string_array_from(std::string_view json_text);

}  // namespace dts::identity::detail
