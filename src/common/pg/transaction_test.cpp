#include "common/pg/transaction.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/pg/blocking.hpp"
#include "common/pg/co_try.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

Awaitable<void> sleep_for(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

Status setup(const std::string& db, const char* sql) {
  return block_on([&](Executor ex) -> Awaitable<Status> {
    DTS_CO_ASSIGN_OR_RETURN(auto conn, co_await Connection::connect(ex, db));
    DTS_CO_TRY(co_await conn->execute(sql));
    co_return ok_status();
  });
}

// Classic write skew: each transaction reads the sum and inserts a row based on it. Under
// SERIALIZABLE one of two interleaved transactions must fail with 40001; transact retries it
// and both effects end up applied in some serial order.
TEST(PgTransaction, RetriesSerializationFailureOfConcurrentSerializableTransactions) {
  std::string db = testing::fresh_database();
  ASSERT_TRUE(setup(db, "CREATE TABLE t (v bigint); INSERT INTO t VALUES (1)").ok());
  asio::io_context io;
  Pool pool(io.get_executor(), {.conninfo = db, .max_size = 4});
  int read_done = 0;  // single-threaded io_context: plain ints are fine
  int attempts = 0;
  std::vector<Result<int64_t>> results;
  for (int i = 0; i < 2; ++i) {
    asio::co_spawn(
        io,
        [&]() -> Awaitable<void> {
          int my_attempts = 0;
          auto r = co_await transact(pool, Isolation::kSerializable,
                                     [&](Connection& c) -> Awaitable<Result<int64_t>> {
                                       ++attempts;
                                       ++my_attempts;
                                       DTS_CO_ASSIGN_OR_RETURN(
                                           Rows sum, co_await c.query("SELECT sum(v) FROM t"));
                                       int64_t s = sum[0].get<int64_t>(0);
                                       if (my_attempts == 1) {
                                         // Make sure both transactions have read before either
                                         // writes.
                                         ++read_done;
                                         for (int spin = 0; read_done < 2 && spin < 200; ++spin) {
                                           co_await sleep_for(milliseconds(5));
                                         }
                                       }
                                       DTS_CO_TRY(co_await c.query("INSERT INTO t VALUES ($1)", s));
                                       co_return s;
                                     },
                                     {.max_attempts = 5});
          results.push_back(std::move(r));
        },
        asio::detached);
  }
  io.run();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }
  EXPECT_EQ(attempts, 3);  // one of the two was retried exactly once
  // Serial order: the first inserted 1 (sum {1}), the second inserted 2 (sum {1,1}).
  std::vector<int64_t> seen = {*results[0], *results[1]};
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2}));
}

TEST(PgTransaction, CommitsRollsBackAndBoundsRetries) {
  std::string db = testing::fresh_database();
  ASSERT_TRUE(setup(db, "CREATE TABLE t (id int PRIMARY KEY)").ok());
  block_on([&](Executor ex) -> Awaitable<void> {
    Pool pool(ex, {.conninfo = db, .max_size = 2});
    auto ok = co_await transact(pool, Isolation::kReadCommitted,
                                [](Connection& c) -> Awaitable<Result<int>> {
                                  DTS_CO_TRY(co_await c.query("INSERT INTO t VALUES (1)"));
                                  co_return 1;
                                });
    CO_ASSERT_OK(ok);

    // An error returned by fn rolls everything back.
    auto failed = co_await transact(pool, Isolation::kRepeatableRead,
                                    [](Connection& c) -> Awaitable<Result<int>> {
                                      DTS_CO_TRY(co_await c.query("INSERT INTO t VALUES (2)"));
                                      DTS_CO_TRY(co_await c.query("INSERT INTO t VALUES (1)"));
                                      co_return 2;
                                    });
    CO_ASSERT(!failed.ok());
    EXPECT_EQ(failed.error().code(), Code::kAlreadyExists);

    // A swallowed error is not reported as success.
    auto swallowed = co_await transact(pool, Isolation::kReadCommitted,
                                       [](Connection& c) -> Awaitable<Result<int>> {
                                         (void)co_await c.query("INSERT INTO t VALUES (1)");
                                         co_return 3;
                                       });
    CO_ASSERT(!swallowed.ok());
    EXPECT_EQ(swallowed.error().code(), Code::kFailedPrecondition);

    // Retries are bounded.
    int calls = 0;
    auto always = co_await transact(
        pool, Isolation::kSerializable,
        [&](Connection& c) -> Awaitable<Result<int>> {
          ++calls;
          DTS_CO_TRY(co_await c.execute(
              "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; "
              "END $$"));
          co_return 4;
        },
        {.max_attempts = 3, .backoff_initial = milliseconds(1)});
    CO_ASSERT(!always.ok());
    EXPECT_TRUE(retryable(always.error()));
    EXPECT_EQ(calls, 3);

    auto lease = co_await pool.acquire();
    CO_ASSERT_OK(lease);
    auto rows = co_await (*lease)->query("SELECT array_agg(id ORDER BY id)::text FROM t");
    CO_ASSERT_OK(rows);
    EXPECT_EQ((*rows)[0].get<std::string_view>(0), "{1}");
  });
}

}  // namespace
}  // namespace dts::pg
