#include "cli/database_setup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "common/ids.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/admin.hpp"
#include "common/pg/embedded.hpp"

namespace dts::cli {

namespace {

constexpr const char* kDatabase = "dts";

// Under root the server runs as the `postgres` account, which must be able to walk down to
// the cluster directory. A clone under /root (mode 0700) is not walkable; then the cluster
// lives under /var/lib/dts/clusters/<hash of home> instead, and <home>/pg links to it.
std::filesystem::path cluster_dir(const std::string& home) {
  std::filesystem::path wanted = std::filesystem::absolute(home) / "pg";
  if (geteuid() != 0) return wanted;
  for (auto p = wanted.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      size_t h = std::hash<std::string>{}(wanted.string());
      char buf[32];
      std::snprintf(buf, sizeof buf, "%016zx", h);
      std::filesystem::path alt = std::filesystem::path("/var/lib/dts/clusters") / buf;
      std::error_code ec;
      std::filesystem::create_directories(alt, ec);
      std::filesystem::permissions(alt.parent_path(), std::filesystem::perms::owner_all |
                                                          std::filesystem::perms::others_exec,
                                   ec);
      if (!std::filesystem::exists(wanted)) std::filesystem::create_directory_symlink(alt, wanted, ec);
      return alt;
    }
  }
  return wanted;
}

}  // namespace

DatabaseSetup::DatabaseSetup(std::string home, std::string database_url)
    : home_(std::move(home)), database_url_(std::move(database_url)) {}

DatabaseSetup::~DatabaseSetup() = default;

std::string DatabaseSetup::describe_plan() const {
  if (!database_url_.empty()) return "external DATABASE_URL";
  bool exists = std::filesystem::exists(cluster_dir(home_) / "data/PG_VERSION");
  return (exists ? "reusing embedded cluster " : "creating embedded cluster ") + home_ + "/pg";
}

std::string DatabaseSetup::describe() const {
  if (!database_url_.empty()) return "external (DATABASE_URL)";
  if (!embedded_) return "embedded (not started)";
  return "embedded " + embedded_->data_dir().string() + " socket " +
         embedded_->socket_dir().string() + " (pid " + std::to_string(embedded_->pid()) + ")";
}

Status DatabaseSetup::start() {
  if (!database_url_.empty()) return ok_status();
  pg::EmbeddedOptions options;
  options.base_dir = cluster_dir(home_);
  embedded_ = std::make_unique<pg::EmbeddedPostgres>(options);
  DTS_TRY(embedded_->start());
  return embedded_->create_database(kDatabase);
}

Status DatabaseSetup::stop() {
  if (!embedded_) return ok_status();
  return embedded_->stop();
}

std::string DatabaseSetup::admin_conninfo() const {
  if (!database_url_.empty()) return database_url_;
  return embedded_ ? embedded_->conninfo(kDatabase) : std::string();
}

Result<std::string> DatabaseSetup::prepare_service(const std::string& service,
                                                   const std::string& root) {
  std::filesystem::path dir = std::filesystem::path(root) / "migrations";
  if (!embedded_) {
    // External database: the operator owns roles (Terraform/RDS); migrate with the URL given.
    DTS_ASSIGN_OR_RETURN(auto report, pg::migrate(database_url_, dir, service));
    (void)report;
    return database_url_;
  }
  std::string password = ids::random_hex(24);
  DTS_TRY(embedded_->create_service_role(service, password, kDatabase));
  std::string conninfo = embedded_->conninfo(kDatabase, service, password);
  DTS_ASSIGN_OR_RETURN(auto report, pg::migrate(conninfo, dir, service));
  (void)report;
  return conninfo;
}

}  // namespace dts::cli
