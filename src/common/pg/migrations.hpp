#pragma once
// Forward-only schema migrations, one schema per service (design §4.9).
//
//   // `dts migrate --service billing`, or a service at start-up:
//   Result<pg::MigrationReport> report = pg::migrate(database_url, "migrations", "billing");
//   // /readyz:
//   Result<bool> current = pg::migrations_current(database_url, "migrations", "billing");
//
// Rules:
//  * Files are <root>/<service>/NNNN_name.sql (see migration_set.hpp); the schema is named
//    after the service and created if missing. Each file runs with
//    search_path = <service>, public, so unqualified names land in the service's schema.
//  * Each file is applied once, in its own transaction together with its row in
//    <service>.schema_migrations(version, name, checksum, applied_at); a failing file leaves
//    nothing behind and the error names the file and carries PostgreSQL's message, line,
//    detail and hint. Files must not COMMIT/ROLLBACK themselves (checked).
//  * An applied file whose checksum changed is an error naming the file (kFailedPrecondition):
//    migrations are forward-only, fix mistakes with a new file.
//  * Versions recorded in the database but absent on disk (a newer binary ran first, e.g.
//    during a rolling deploy or a rollback) are reported, not treated as errors.
//  * Concurrent migrators (several instances starting at once) serialize on a per-service
//    advisory lock.
//  * Run migrations with the role that should own the tables: the service's own role
//    (create_service_role creates its schema, so it needs no CREATE on the database) or an
//    administrator.
//
// The blocking forms run a private io_context; use them from the CLI or start-up code. The
// coroutine forms take a Connection for use inside a running service.

#include <filesystem>
#include <string>
#include <vector>

#include "common/pg/connection.hpp"
#include "common/pg/migration_set.hpp"
#include "common/pg/pool.hpp"
#include "common/result.hpp"

namespace dts::pg {

struct MigrationReport {
  std::string service;
  std::vector<std::string> applied;  // file names applied by this run, in order
  std::size_t already_applied = 0;
  int version = 0;                    // highest version now applied
  std::vector<int> unknown_versions;  // applied in the database, absent on disk
};

Result<MigrationReport> migrate(const std::string& conninfo,
                                const std::filesystem::path& migrations_root,
                                const std::string& service);

// Every service directory under migrations_root, in name order; stops at the first failure.
Result<std::vector<MigrationReport>> migrate_all(const std::string& conninfo,
                                                 const std::filesystem::path& migrations_root);

// True when every file on disk is applied with a matching checksum; false when some are
// pending; an error on checksum mismatch or when the database cannot be read.
Result<bool> migrations_current(const std::string& conninfo,
                                const std::filesystem::path& migrations_root,
                                const std::string& service);

Awaitable<Result<MigrationReport>> apply_migrations(Connection& conn, std::string service,
                                                    const std::vector<MigrationFile>& files);
Awaitable<Result<bool>> check_migrations(Connection& conn, std::string service,
                                         const std::vector<MigrationFile>& files);
// For /readyz: load the files once at start-up, then check on a pooled connection.
Awaitable<Result<bool>> check_migrations(Pool& pool, std::string service,
                                         const std::vector<MigrationFile>& files);

}  // namespace dts::pg
