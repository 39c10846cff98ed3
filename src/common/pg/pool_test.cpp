#include "common/pg/pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "common/pg/blocking.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

Awaitable<void> sleep_for(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

TEST(PgPool, ReusesIdleConnections) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    Pool pool(ex, {.conninfo = db, .max_size = 3});
    int pid = 0;
    for (int i = 0; i < 3; ++i) {
      auto lease = co_await pool.acquire();
      CO_ASSERT_OK(lease);
      auto rows = co_await (*lease)->query("SELECT pg_backend_pid()");
      CO_ASSERT_OK(rows);
      int now = (*rows)[0].get<int32_t>(0);
      EXPECT_TRUE(pid == 0 || pid == now);
      pid = now;
    }
    EXPECT_EQ(pool.stats().open, 1u);
    EXPECT_EQ(pool.stats().idle, 1u);
    EXPECT_TRUE((co_await pool.ping()).ok());
  });
}

TEST(PgPool, ExhaustedPoolQueuesThenTimesOutCleanly) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    Pool pool(ex, {.conninfo = db, .max_size = 1, .acquire_timeout = milliseconds(400)});
    auto held = co_await pool.acquire();
    CO_ASSERT_OK(held);

    // Nobody returns the connection: the waiter gives up after acquire_timeout.
    auto start = Clock::now();
    auto starved = co_await pool.acquire();
    auto waited = Clock::now() - start;
    CO_ASSERT(!starved.ok());
    EXPECT_EQ(starved.error().code(), Code::kUnavailable);
    EXPECT_NE(starved.error().message().find("exhausted"), std::string::npos);
    EXPECT_GE(waited, milliseconds(350));
    EXPECT_LT(waited, milliseconds(2000));
    EXPECT_EQ(pool.stats().waiting, 0u);

    // A waiter is served as soon as the holder returns its lease.
    std::atomic<bool> served{false};
    asio::co_spawn(
        ex,
        [&]() -> Awaitable<void> {
          auto lease = co_await pool.acquire();
          served = lease.ok() && (co_await (*lease)->query("SELECT 1")).ok();
        },
        asio::detached);
    co_await sleep_for(milliseconds(100));
    EXPECT_EQ(pool.stats().waiting, 1u);
    EXPECT_FALSE(served.load());
    { Lease returned = std::move(held).value(); }
    co_await sleep_for(milliseconds(100));
    EXPECT_TRUE(served.load());
  });
}

TEST(PgPool, WaitersAreServedWhenLeasesReturn) {
  std::string db = testing::fresh_database();
  asio::io_context io;
  Pool pool(io.get_executor(),
            {.conninfo = db, .max_size = 2, .acquire_timeout = milliseconds(5000)});
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 12; ++i) {
    asio::co_spawn(
        io,
        [&]() -> Awaitable<void> {
          auto lease = co_await pool.acquire();
          if (!lease.ok() || !(co_await (*lease)->query("SELECT pg_sleep(0.02)")).ok()) {
            ++failed;
          }
          ++done;
        },
        asio::detached);
  }
  // Several threads drive the same io_context, as the HTTP server does.
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] { io.run(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(done.load(), 12);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(pool.stats().open, 2u);
}

TEST(PgPool, SurvivesServerRestart) {
  std::string db = testing::fresh_database();
  EmbeddedPostgres& server = testing::cluster();
  block_on([&](Executor ex) -> Awaitable<void> {
    Pool pool(ex, {.conninfo = db,
                   .max_size = 2,
                   .acquire_timeout = milliseconds(1500),
                   .backoff_initial = milliseconds(20),
                   .backoff_max = milliseconds(200)});
    {
      auto lease = co_await pool.acquire();
      CO_ASSERT_OK(lease);
      CO_ASSERT_OK(co_await (*lease)->query("SELECT 1"));
    }
    CO_ASSERT(server.stop().ok());
    // While the server is down: a clean kUnavailable within the acquire timeout.
    auto start = Clock::now();
    Status down = co_await pool.ping();
    CO_ASSERT(!down.ok());
    EXPECT_EQ(down.error().code(), Code::kUnavailable) << down.error().to_string();
    EXPECT_LT(Clock::now() - start, milliseconds(3000));

    CO_ASSERT(server.start().ok());
    // The stale idle connection is detected and replaced; backoff state may delay the first
    // attempt by at most backoff_max, well inside acquire_timeout.
    auto lease = co_await pool.acquire();
    CO_ASSERT_OK(lease);
    auto rows = co_await (*lease)->query("SELECT 42");
    CO_ASSERT_OK(rows);
    EXPECT_EQ((*rows)[0].get<int64_t>(0), 42);
  });
}

TEST(PgPool, BadConninfoAndMissingServerFailFast) {
  block_on([&](Executor ex) -> Awaitable<void> {
    Pool malformed(ex, {.conninfo = "host=/tmp port", .acquire_timeout = milliseconds(3000)});
    auto start = Clock::now();
    Status bad = co_await malformed.ping();
    CO_ASSERT(!bad.ok());
    EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
    Pool missing(ex,
                 {.conninfo = "host=/nonexistent port=5999", .acquire_timeout = milliseconds(500)});
    Status gone = co_await missing.ping();
    CO_ASSERT(!gone.ok());
    EXPECT_EQ(gone.error().code(), Code::kUnavailable);
    EXPECT_LT(Clock::now() - start, milliseconds(2500));
    EXPECT_EQ(missing.stats().open, 0u);
  });
}

}  // namespace
}  // namespace dts::pg
