#pragma once
// Test helpers for the identity module: a fresh database with the identity schema migrated.

#include <string>

#include "common/pg/migrations.hpp"
#include "common/pg/testing.hpp"

namespace dts::identity::testing {

// Conninfo of a new database with every migrations/identity file applied. Aborts the test
// binary on failure (every test after it would fail the same way).
inline std::string migrated_database() {
  std::string db = pg::testing::fresh_database();
  auto report = pg::migrate(db, std::string(DTS_SOURCE_DIR) + "/migrations", "identity");
  if (!report.ok()) {
    fprintf(stderr, "identity migrations failed: %s\n", report.error().to_string().c_str());
    std::abort();
  }
  return db;
}

}  // namespace dts::identity::testing
