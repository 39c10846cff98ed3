#pragma once
// The database side of `dts up` and `dts migrate`: either the embedded cluster under
// <home>/pg or an external DATABASE_URL; per service a role + schema (least privilege)
// and its migrations, applied as that role.

#include <memory>
#include <string>

#include "common/result.hpp"

namespace dts::pg {
class EmbeddedPostgres;
}

namespace dts::cli {

class DatabaseSetup {
 public:
  DatabaseSetup(std::string home, std::string database_url);
  ~DatabaseSetup();

  std::string describe_plan() const;  // what start() is about to do
  std::string describe() const;       // for the status table
  Status start();
  Status stop();

  // Creates/updates the service's role (fresh random password) and schema, applies
  // migrations/<service>/ as that role, and returns the service's conninfo.
  Result<std::string> prepare_service(const std::string& service, const std::string& root);

  // Superuser conninfo (embedded) or DATABASE_URL (external).
  std::string admin_conninfo() const;

 private:
  std::string home_;
  std::string database_url_;
  std::unique_ptr<pg::EmbeddedPostgres> embedded_;
};

}  // namespace dts::cli
