#include "common/pg/testing.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace dts::pg::testing {
namespace {

namespace fs = std::filesystem;

// Owns the temporary directory and the server; destroyed at exit (stop, then delete).
struct SharedCluster {
  fs::path dir;
  std::unique_ptr<EmbeddedPostgres> server;

  ~SharedCluster() {
    server.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

SharedCluster& shared() {
  static std::once_flag once;
  static SharedCluster instance;
  std::call_once(once, [] {
    std::string pattern = (fs::temp_directory_path() / "dts-pg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    instance.dir = pattern;
    instance.server = std::make_unique<EmbeddedPostgres>(
        EmbeddedOptions{.base_dir = instance.dir, .durable = false});
    if (Status s = instance.server->start(); !s.ok()) {
      std::fprintf(stderr, "cannot start the test PostgreSQL: %s\n", s.error().to_string().c_str());
      std::abort();
    }
  });
  return instance;
}

}  // namespace

EmbeddedPostgres& cluster() { return *shared().server; }

TestDatabase new_database() {
  static std::atomic<int> counter{0};
  std::string name =
      "test_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
  EmbeddedPostgres& server = cluster();
  if (Status s = server.create_database(name); !s.ok()) {
    std::fprintf(stderr, "cannot create test database: %s\n", s.error().to_string().c_str());
    std::abort();
  }
  return {name, server.conninfo(name)};
}

std::string fresh_database() { return new_database().conninfo; }

}  // namespace dts::pg::testing
