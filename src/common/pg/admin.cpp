#include "common/pg/admin.hpp"

#include <libpq-fe.h>

#include <memory>

#include "common/log.hpp"
#include "common/pg/connection.hpp"
#include "common/pg/error.hpp"

namespace dts::pg {
namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

void log_notice(void*, const char* message) {
  std::string text = message;
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  log::debug("postgres notice", {{"message", text}});
}

Result<ConnPtr> open(const std::string& conninfo) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (conn) {
    PQsetNoticeProcessor(conn.get(), &log_notice, nullptr);
  }
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return connection_error("could not connect to PostgreSQL as administrator", conn.get());
  }
  return conn;
}

Status check(PGconn* conn, const PGresult* result) {
  if (result == nullptr) {
    return connection_error("query failed", conn);
  }
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error_from_result(result);
  }
  return ok_status();
}

Status exec(PGconn* conn, const std::string& sql) {
  ResultPtr result(PQexec(conn, sql.c_str()), &PQclear);
  return check(conn, result.get());
}

// True if `sql` with one parameter returns a row.
Result<bool> exists(PGconn* conn, const char* sql, std::string_view value) {
  std::string text(value);
  const char* values[] = {text.c_str()};
  ResultPtr result(PQexecParams(conn, sql, 1, nullptr, values, nullptr, nullptr, 0), &PQclear);
  if (Status s = check(conn, result.get()); !s.ok()) {
    return s.error();
  }
  return PQntuples(result.get()) > 0;
}

std::string literal(PGconn* conn, std::string_view value) {
  char* quoted = PQescapeLiteral(conn, value.data(), value.size());
  std::string out = quoted != nullptr ? quoted : "''";
  PQfreemem(quoted);
  return out;
}

}  // namespace

bool valid_service_name(std::string_view name) {
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string make_conninfo(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) {
      out += ' ';
    }
    out += key;
    out += "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '\'';
  }
  return out;
}

Status admin_execute(const std::string& admin_conninfo, const std::string& sql) {
  Result<ConnPtr> conn = open(admin_conninfo);
  if (!conn.ok()) {
    return conn.error();
  }
  return exec(conn->get(), sql);
}

Status create_database(const std::string& admin_conninfo, std::string_view name) {
  Result<ConnPtr> conn = open(admin_conninfo);
  if (!conn.ok()) {
    return conn.error();
  }
  Result<bool> found = exists(conn->get(), "SELECT 1 FROM pg_database WHERE datname = $1", name);
  if (!found.ok()) {
    return found.error();
  }
  if (*found) {
    return ok_status();
  }
  return exec(conn->get(), "CREATE DATABASE " + quote_identifier(name));
}

Status create_service_role(const std::string& admin_conninfo, std::string_view service,
                           std::string_view password) {
  if (!valid_service_name(service)) {
    return invalid_argument("invalid service name '" + std::string(service) +
                            "': use [a-z][a-z0-9_]*");
  }
  if (password.empty()) {
    return invalid_argument("a service role needs a non-empty password");
  }
  Result<ConnPtr> conn = open(admin_conninfo);
  if (!conn.ok()) {
    return conn.error();
  }
  PGconn* c = conn->get();
  std::string pw(password);
  std::string user(service);
  char* hashed = PQencryptPasswordConn(c, pw.c_str(), user.c_str(), "scram-sha-256");
  if (hashed == nullptr) {
    return connection_error("could not hash the role password", c);
  }
  std::string verifier = literal(c, hashed);
  PQfreemem(hashed);

  Result<bool> found = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = $1", service);
  if (!found.ok()) {
    return found.error();
  }
  std::string role = quote_identifier(service);
  std::string attributes =
      " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
      " PASSWORD " +
      verifier;
  std::string sql = "BEGIN;";
  sql += (*found ? "ALTER ROLE " : "CREATE ROLE ") + role + attributes + ";";
  sql += "CREATE SCHEMA IF NOT EXISTS " + role + " AUTHORIZATION " + role + ";";
  sql += "ALTER SCHEMA " + role + " OWNER TO " + role + ";";
  sql += "REVOKE ALL ON SCHEMA " + role + " FROM PUBLIC;";
  sql += "ALTER ROLE " + role + " SET search_path = " + role + ";";
  sql += "COMMIT;";
  Status done = exec(c, sql);
  if (!done.ok()) {
    (void)exec(c, "ROLLBACK");
    return Error(done.error().code(),
                 "creating role '" + user + "' failed: " + done.error().message());
  }
  return ok_status();
}

}  // namespace dts::pg
