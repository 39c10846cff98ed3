#include "common/pg/migrations.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/error.hpp"

namespace dts::pg {
namespace {

namespace fs = std::filesystem;

struct Applied {
  int version;
  std::string name;
  std::string checksum;
};

Error migration_error(const std::string& service, const MigrationFile& file, const Connection& conn,
                      const Error& error) {
  std::string what = conn.last_failure() != nullptr
                         ? describe_verbose(conn.last_failure(), file.sql)
                         : error.message();
  return Error(error.code(), "migration " + service + "/" + file.file_name + " failed: " + what);
}

// Reads <schema>.schema_migrations; an empty list if the schema or table does not exist.
Awaitable<Result<std::vector<Applied>>> read_applied(Connection& conn, const std::string& service) {
  std::string table = quote_identifier(service) + ".schema_migrations";
  auto exists = co_await conn.query("SELECT to_regclass($1) IS NOT NULL", table);
  if (!exists.ok()) {
    co_return exists.error();
  }
  std::vector<Applied> applied;
  if (!(*exists)[0].get<bool>(0)) {
    co_return applied;
  }
  auto rows =
      co_await conn.query("SELECT version, name, checksum FROM " + table + " ORDER BY version");
  if (!rows.ok()) {
    co_return rows.error();
  }
  for (Row row : *rows) {
    applied.push_back({row.get<int32_t>(0), row.get<std::string>(1), row.get<std::string>(2)});
  }
  co_return applied;
}

// Compares what the database recorded with the files; fills unknown_versions.
Status verify(const std::string& service, const std::vector<Applied>& applied,
              const std::vector<MigrationFile>& files, std::vector<int>& unknown) {
  for (const Applied& a : applied) {
    if (a.version < 1 || a.version > static_cast<int>(files.size())) {
      unknown.push_back(a.version);
      continue;
    }
    const MigrationFile& f = files[a.version - 1];
    if (a.name != f.file_name) {
      return failed_precondition("migration " + service + "/" + f.file_name + " has version " +
                                 std::to_string(a.version) + ", which was applied as " + a.name +
                                 "; applied migrations must not be renamed");
    }
    if (a.checksum != f.checksum) {
      return failed_precondition("migration " + service + "/" + f.file_name +
                                 " was changed after it was applied (checksum " +
                                 f.checksum.substr(0, 12) + "..., applied " +
                                 a.checksum.substr(0, 12) +
                                 "...); add a new migration instead of editing this one");
    }
  }
  return ok_status();
}

Awaitable<Status> ensure_schema(Connection& conn, const std::string& service) {
  std::string schema = quote_identifier(service);
  // CREATE SCHEMA IF NOT EXISTS would demand CREATE on the database even when the schema
  // exists; a service role owns its schema but has no such right.
  auto found = co_await conn.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", service);
  if (!found.ok()) {
    co_return found.error();
  }
  if (found->empty()) {
    auto created = co_await conn.execute("CREATE SCHEMA " + schema);
    if (!created.ok()) {
      co_return created.error();
    }
  }
  auto table = co_await conn.execute(
      "CREATE TABLE IF NOT EXISTS " + schema +
      ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
      "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  if (!table.ok()) {
    co_return table.error();
  }
  co_return ok_status();
}

Awaitable<Status> apply_one(Connection& conn, const std::string& service,
                            const MigrationFile& file) {
  std::string schema = quote_identifier(service);
  auto begun = co_await conn.execute("BEGIN; SET LOCAL search_path TO " + schema + ", public");
  if (!begun.ok()) {
    co_return begun.error();
  }
  auto ran = co_await conn.execute(file.sql);
  if (!ran.ok()) {
    Error error = migration_error(service, file, conn, ran.error());
    (void)co_await conn.execute("ROLLBACK");
    co_return error;
  }
  if (PQtransactionStatus(conn.native()) != PQTRANS_INTRANS) {
    (void)co_await conn.execute("ROLLBACK");
    co_return invalid_argument("migration " + service + "/" + file.file_name +
                               " ends or aborts its own transaction (COMMIT/ROLLBACK); remove "
                               "it, every file already runs in one transaction");
  }
  auto recorded = co_await conn.query("INSERT INTO " + schema +
                                          ".schema_migrations (version, name, checksum) "
                                          "VALUES ($1, $2, $3)",
                                      file.version, file.file_name, file.checksum);
  if (!recorded.ok()) {
    (void)co_await conn.execute("ROLLBACK");
    co_return migration_error(service, file, conn, recorded.error());
  }
  auto committed = co_await conn.execute("COMMIT");
  if (!committed.ok()) {
    co_return migration_error(service, file, conn, committed.error());
  }
  co_return ok_status();
}

template <typename T, typename Body>
Result<T> with_connection(const std::string& conninfo, Body body) {
  return block_on([&](Executor ex) -> Awaitable<Result<T>> {
    auto conn = co_await Connection::connect(ex, conninfo);
    if (!conn.ok()) {
      co_return conn.error();
    }
    co_return co_await body(**conn);
  });
}

}  // namespace

Awaitable<Result<MigrationReport>> apply_migrations(Connection& conn, std::string service,
                                                    const std::vector<MigrationFile>& files) {
  // Session-level lock: held across the per-file transactions, released below (or when the
  // connection closes, if we fail).
  const std::string lock_key = "dts.migrate." + service;
  auto locked = co_await conn.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", lock_key);
  if (!locked.ok()) {
    co_return locked.error();
  }
  MigrationReport report{.service = service};
  Status outcome = co_await ensure_schema(conn, service);
  if (outcome.ok()) {
    auto applied = co_await read_applied(conn, service);
    if (!applied.ok()) {
      outcome = applied.error();
    } else {
      outcome = verify(service, *applied, files, report.unknown_versions);
      for (const Applied& a : *applied) {
        report.version = std::max(report.version, a.version);
      }
      report.already_applied = applied->size() - report.unknown_versions.size();
      for (std::size_t i = report.already_applied; outcome.ok() && i < files.size(); ++i) {
        outcome = co_await apply_one(conn, service, files[i]);
        if (outcome.ok()) {
          report.applied.push_back(files[i].file_name);
          report.version = std::max(report.version, files[i].version);
          log::info("migration applied", {{"service", service}, {"file", files[i].file_name}});
        }
      }
    }
  }
  if (!report.unknown_versions.empty()) {
    log::warn("database has migrations unknown to this binary",
              {{"service", service}, {"count", report.unknown_versions.size()}});
  }
  if (!conn.broken()) {
    (void)co_await conn.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lock_key);
  }
  if (!outcome.ok()) {
    co_return outcome.error();
  }
  co_return report;
}

Awaitable<Result<bool>> check_migrations(Connection& conn, std::string service,
                                         const std::vector<MigrationFile>& files) {
  auto applied = co_await read_applied(conn, service);
  if (!applied.ok()) {
    co_return applied.error();
  }
  std::vector<int> unknown;
  if (Status s = verify(service, *applied, files, unknown); !s.ok()) {
    co_return s.error();
  }
  co_return applied->size() - unknown.size() == files.size();
}

Awaitable<Result<bool>> check_migrations(Pool& pool, std::string service,
                                         const std::vector<MigrationFile>& files) {
  auto lease = co_await pool.acquire();
  if (!lease.ok()) {
    co_return lease.error();
  }
  co_return co_await check_migrations(**lease, std::move(service), files);
}

Result<MigrationReport> migrate(const std::string& conninfo, const fs::path& migrations_root,
                                const std::string& service) {
  auto files = load_migrations(migrations_root, service);
  if (!files.ok()) {
    return files.error();
  }
  return with_connection<MigrationReport>(
      conninfo, [&](Connection& conn) { return apply_migrations(conn, service, *files); });
}

Result<std::vector<MigrationReport>> migrate_all(const std::string& conninfo,
                                                 const fs::path& migrations_root) {
  std::vector<std::string> services;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(migrations_root, ec)) {
    if (entry.is_directory()) {
      services.push_back(entry.path().filename().string());
    }
  }
  if (ec) {
    return not_found("cannot list " + migrations_root.string() + ": " + ec.message());
  }
  std::sort(services.begin(), services.end());
  std::vector<MigrationReport> reports;
  for (const auto& service : services) {
    auto report = migrate(conninfo, migrations_root, service);
    if (!report.ok()) {
      return report.error();
    }
    reports.push_back(std::move(report).value());
  }
  return reports;
}

Result<bool> migrations_current(const std::string& conninfo, const fs::path& migrations_root,
                                const std::string& service) {
  auto files = load_migrations(migrations_root, service);
  if (!files.ok()) {
    return files.error();
  }
  return with_connection<bool>(
      conninfo, [&](Connection& conn) { return check_migrations(conn, service, *files); });
}

}  // namespace dts::pg
