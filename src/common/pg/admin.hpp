#pragma once
// Administrative, blocking operations run once at start-up by `dts up`, `dts migrate` and
// tests, over a superuser connection (never from a request path: they block the thread).
//
// Per-service roles follow least privilege: a service role can log in, owns exactly one
// schema (named after the service) and nothing else; it is not a superuser, cannot create
// databases or roles, cannot bypass row-level security and has no replication rights.
// Other services' roles get no privileges on that schema, so one service cannot read
// another's tables. The password is hashed client-side (SCRAM-SHA-256) so the cleartext
// never reaches the server or its logs.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::pg {

// Service names double as schema and role names: [a-z][a-z0-9_]{0,62}.
bool valid_service_name(std::string_view name);

// Creates the database if it does not exist.
Status create_database(const std::string& admin_conninfo, std::string_view name);

// Creates (or updates the password and attributes of) the role `service` and the schema
// `service` owned by it. Idempotent.
Status create_service_role(const std::string& admin_conninfo, std::string_view service,
                           std::string_view password);

// Runs one statement without parameters on a fresh blocking connection.
Status admin_execute(const std::string& admin_conninfo, const std::string& sql);

// Builds a libpq conninfo string, quoting values ("host='/tmp/x y'").
std::string make_conninfo(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

}  // namespace dts::pg
