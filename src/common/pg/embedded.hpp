#pragma once
// EmbeddedPostgres: a private PostgreSQL server for `dts up` and for tests.
//
//   pg::EmbeddedPostgres db({.base_dir = ".dts/pg"});
//   if (auto s = db.start(); !s.ok()) { ... }        // initdb once, then start, wait ready
//   DTS_TRY(db.create_database("dts"));
//   DTS_TRY(db.create_service_role("billing", billing_password));
//   std::string admin = db.conninfo("dts");            // superuser, for migrations/tools
//   std::string svc = db.conninfo("dts", "billing", billing_password);
//   ...
//   db.stop();                                          // or let the destructor do it
//
// Layout under base_dir: data/ (the cluster, created by initdb on first start and reused
// afterwards), run/ (the unix socket directory unless socket_dir is given), postgres.log.
// The server binaries come from Debian's /usr/lib/postgresql/<newest version>/bin.
//
// Security model (least privilege):
//  * The server listens on a unix socket only (listen_addresses='') unless tcp is set.
//  * The socket directory is mode 0700 and owned by the server's OS account, so only that
//    account (and root) can reach the socket at all. pg_hba trusts only the superuser role
//    (`superuser`, default dts_admin) and only on that socket; every other role, and every
//    TCP connection, must authenticate with SCRAM-SHA-256.
//  * PostgreSQL refuses to run as root. When this process is root (containers, CI), the
//    server runs as the `postgres` system account from Debian's postgresql package, and
//    base_dir, data/ and the socket directory are chown'ed to it. base_dir's parents must be
//    traversable by that account.
//
// Process lifetime: the server is a direct child (postgres itself, not pg_ctl, so there is
// no daemon to lose track of). stop() and the destructor do a fast shutdown (SIGINT),
// escalating to SIGQUIT/SIGKILL after stop_timeout. The child also gets a parent-death
// signal, so a crashed parent cannot leave an orphan; note the kernel ties that signal to
// the *thread* that called start(), so call start() from a long-lived thread (main).
// A postmaster.pid left by a dead server is detected (pid gone or not a postmaster of this
// data directory) and removed before starting.
//
// Thread-safety: not thread-safe; owned and driven by one thread.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace dts::pg {

struct EmbeddedOptions {
  std::filesystem::path base_dir;
  // Empty = base_dir/run. Unix socket paths are limited to 107 bytes.
  std::filesystem::path socket_dir;
  // The socket file is .s.PGSQL.<port>. With tcp, the TCP port on 127.0.0.1 (0 = pick a
  // free one at start).
  int port = 5432;
  bool tcp = false;
  std::string superuser = "dts_admin";
  // false trades crash safety for speed (fsync, synchronous_commit, full_page_writes off):
  // right for throwaway test clusters, wrong for anything you want to keep.
  bool durable = true;
  std::chrono::milliseconds start_timeout{60000};
  std::chrono::milliseconds stop_timeout{30000};
  // Extra server settings passed as -c name=value.
  std::vector<std::pair<std::string, std::string>> settings;
  // Empty = newest /usr/lib/postgresql/*/bin.
  std::filesystem::path bin_dir;
};

class EmbeddedPostgres {
 public:
  explicit EmbeddedPostgres(EmbeddedOptions options);
  ~EmbeddedPostgres();
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // Creates the cluster if needed, starts the server and waits until it accepts
  // connections. A no-op if already running. Errors name the failing step and include the
  // tail of postgres.log.
  Status start();
  // Fast shutdown; waits for the server to exit. A no-op if not running.
  Status stop();
  bool running();

  // Conninfo for the superuser over the unix socket (trust), or for a role with password.
  std::string conninfo(std::string_view database = "postgres") const;
  std::string conninfo(std::string_view database, std::string_view user,
                       std::string_view password) const;

  Status create_database(std::string_view name);
  // See admin.hpp: role + schema named `service`, owned by the role, least privilege.
  Status create_service_role(std::string_view service, std::string_view password,
                             std::string_view database = "postgres");

  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& socket_dir() const { return socket_dir_; }
  const std::filesystem::path& log_file() const { return log_file_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  Status prepare_dirs();
  Status init_cluster();
  Status clear_stale_lock();
  Status launch();
  Status wait_ready();
  Error with_log(Error error) const;

  EmbeddedOptions options_;
  std::filesystem::path data_dir_;
  std::filesystem::path socket_dir_;
  std::filesystem::path log_file_;
  std::filesystem::path bin_dir_;
  int port_;
  pid_t pid_ = 0;
};

// The newest /usr/lib/postgresql/<major>/bin that has initdb and postgres.
Result<std::filesystem::path> find_server_bin_dir();

}  // namespace dts::pg
