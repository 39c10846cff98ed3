#pragma once
// Test support: one throwaway PostgreSQL cluster per test binary, and a fresh database per
// test, so every database test is hermetic (design §4.11).
//
//   TEST(PgThing, Works) {
//     std::string db = pg::testing::fresh_database();     // conninfo of an empty database
//     auto rows = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<pg::Rows>> {...});
//   }
//
// The cluster lives in a temporary directory (under $TMPDIR or /tmp), listens only on a unix
// socket there, runs with durability off for speed, is started on first use and is stopped
// and deleted when the process exits. A failure to start aborts the test binary with the
// server log, because every test after it would fail the same way.
// Thread-safety: cluster() and fresh_database() may be called from any thread.

#include <string>

#include "common/pg/embedded.hpp"

namespace dts::pg::testing {

// The shared cluster, started on first call.
EmbeddedPostgres& cluster();

struct TestDatabase {
  std::string name;
  std::string conninfo;  // superuser over the unix socket
};

// Creates a new empty database (test_<pid>_<n>).
TestDatabase new_database();
// new_database().conninfo
std::string fresh_database();

}  // namespace dts::pg::testing

// gtest's ASSERT_* expand to `return`, which is ill-formed in a coroutine. Inside test
// coroutines returning Awaitable<void> use these (they record a failure and co_return).
#define CO_ASSERT(cond)                  \
  do {                                   \
    if (!(cond)) {                       \
      ADD_FAILURE() << "failed: " #cond; \
      co_return;                         \
    }                                    \
  } while (false)
#define CO_ASSERT_OK(result)                                                \
  do {                                                                      \
    if (!(result).ok()) {                                                   \
      ADD_FAILURE() << #result " failed: " << (result).error().to_string(); \
      co_return;                                                            \
    }                                                                       \
  } while (false)
