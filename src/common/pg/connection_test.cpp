#include "common/pg/connection.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "common/pg/blocking.hpp"
#include "common/pg/error.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

using std::chrono::milliseconds;

// Connects to a fresh database, failing the test on error.
Awaitable<std::unique_ptr<Connection>> open(Executor ex, const std::string& conninfo) {
  auto conn = co_await Connection::connect(ex, conninfo);
  EXPECT_TRUE(conn.ok()) << conn.error().to_string();
  co_return conn.ok() ? std::move(conn).value() : nullptr;
}

TEST(PgConnection, QueryWithParametersAndNulls) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    auto conn = co_await open(ex, db);
    if (!conn) {
      co_return;
    }
    auto rows = co_await conn->query(
        "SELECT $1::text AS name, $2::bigint AS n, $3::text AS missing, $4::bool AS flag, "
        "$5::float8 AS ratio",
        "alice", int64_t{42}, std::nullopt, true, 0.25);
    CO_ASSERT_OK(rows);
    CO_ASSERT(rows->size() == 1);
    EXPECT_EQ(rows->column_count(), 5);
    EXPECT_EQ(rows->column_name(1), "n");
    auto row = (*rows)[0];
    EXPECT_EQ(row.get<std::string_view>("name"), "alice");
    EXPECT_EQ(row.get<int64_t>("n"), 42);
    EXPECT_TRUE(row.is_null("missing"));
    EXPECT_EQ(row.opt<std::string>("missing"), std::nullopt);
    EXPECT_EQ(row.opt<std::string>("name"), std::optional<std::string>("alice"));
    EXPECT_TRUE(row.get<bool>("flag"));
    EXPECT_DOUBLE_EQ(row.get<double>("ratio"), 0.25);

    auto mixed = co_await conn->query("SELECT $1::bigint + $2::int", std::size_t{5}, 2u);
    CO_ASSERT_OK(mixed);
    EXPECT_EQ((*mixed)[0].get<int64_t>(0), 7);

    CO_ASSERT((co_await conn->execute("CREATE TABLE t (id int PRIMARY KEY, v text)")).ok());
    auto inserted =
        co_await conn->query("INSERT INTO t VALUES (1, $1), (2, $2), (3, NULL)", "a", std::nullopt);
    CO_ASSERT_OK(inserted);
    EXPECT_EQ(inserted->affected(), 3);
    auto updated = co_await conn->query("UPDATE t SET v = 'x' WHERE v IS NULL");
    CO_ASSERT_OK(updated);
    EXPECT_EQ(updated->affected(), 2);
    auto all = co_await conn->query("SELECT id FROM t ORDER BY id");
    CO_ASSERT_OK(all);
    int64_t sum = 0;
    for (Row r : *all) {
      sum += r.get<int64_t>(0);
    }
    EXPECT_EQ(sum, 6);
  });
}

TEST(PgConnection, PreparedStatementsArePreparedOnceAndReused) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    auto conn = co_await open(ex, db);
    if (!conn) {
      co_return;
    }
    constexpr std::string_view kSql = "SELECT $1::int + 1 AS next";
    for (int i = 0; i < 3; ++i) {
      auto rows = co_await conn->prepared("next", kSql, i);
      CO_ASSERT_OK(rows);
      EXPECT_EQ((*rows)[0].get<int32_t>("next"), i + 1);
    }
    auto count = co_await conn->query("SELECT count(*) FROM pg_prepared_statements");
    CO_ASSERT_OK(count);
    EXPECT_EQ((*count)[0].get<int64_t>(0), 1);
    auto other = co_await conn->prepared("next", "SELECT 2");
    CO_ASSERT(!other.ok());
    EXPECT_EQ(other.error().code(), Code::kInvalidArgument);
    auto bad = co_await conn->prepared("bad", "SELEC 1");
    CO_ASSERT(!bad.ok());
    EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(sqlstate_of(bad.error()), std::optional<std::string_view>("42601"));
    // A failed prepare is not cached: a correct statement can take the name afterwards.
    auto fixed = co_await conn->prepared("bad", "SELECT 1");
    EXPECT_TRUE(fixed.ok());
  });
}

TEST(PgConnection, UniqueViolationIsAlreadyExistsWithSqlstateAndConstraint) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    auto conn = co_await open(ex, db);
    if (!conn) {
      co_return;
    }
    CO_ASSERT((co_await conn->execute("CREATE TABLE users (email text CONSTRAINT users_email_key "
                                      "UNIQUE)"))
                  .ok());
    CO_ASSERT((co_await conn->query("INSERT INTO users VALUES ($1)", "a@x")).ok());
    auto again = co_await conn->query("INSERT INTO users VALUES ($1)", "a@x");
    CO_ASSERT(!again.ok());
    EXPECT_EQ(again.error().code(), Code::kAlreadyExists);
    EXPECT_EQ(sqlstate_of(again.error()), std::optional<std::string_view>("23505"));
    EXPECT_EQ(constraint_of(again.error()), std::optional<std::string_view>("users_email_key"));
    EXPECT_FALSE(retryable(again.error()));
    // The row value (DETAIL) must not leak into the message.
    EXPECT_EQ(again.error().message().find("a@x"), std::string::npos);
    // The connection is fine afterwards.
    EXPECT_TRUE((co_await conn->query("SELECT 1")).ok());
  });
}

TEST(PgConnection, StatementTimeoutCancelsAndKeepsConnectionUsable) {
  std::string db = testing::fresh_database();
  block_on([&](Executor ex) -> Awaitable<void> {
    auto conn = co_await open(ex, db);
    if (!conn) {
      co_return;
    }
    auto start = std::chrono::steady_clock::now();
    auto slow = co_await conn->query_params("SELECT pg_sleep(10)", {}, milliseconds(200));
    auto took = std::chrono::steady_clock::now() - start;
    CO_ASSERT(!slow.ok());
    EXPECT_EQ(slow.error().code(), Code::kDeadlineExceeded) << slow.error().to_string();
    EXPECT_LT(took, std::chrono::seconds(3));
    EXPECT_FALSE(conn->broken());
    auto next = co_await conn->query("SELECT 7");
    CO_ASSERT_OK(next);
    EXPECT_EQ((*next)[0].get<int64_t>(0), 7);
  });
}

TEST(PgConnection, BadConninfoFailsFastWithClearError) {
  block_on([&](Executor ex) -> Awaitable<void> {
    auto malformed = co_await Connection::connect(ex, "host=/tmp port");
    CO_ASSERT(!malformed.ok());
    EXPECT_EQ(malformed.error().code(), Code::kInvalidArgument);
    EXPECT_NE(malformed.error().message().find("connection string"), std::string::npos);

    auto start = std::chrono::steady_clock::now();
    auto no_server = co_await Connection::connect(ex, "host=/nonexistent/dir port=5999");
    CO_ASSERT(!no_server.ok());
    EXPECT_EQ(no_server.error().code(), Code::kUnavailable);
    EXPECT_NE(no_server.error().message().find("could not connect"), std::string::npos);

    auto refused = co_await Connection::connect(ex, "hostaddr=127.0.0.1 port=1",
                                                {.connect_timeout = milliseconds(2000)});
    CO_ASSERT(!refused.ok());
    EXPECT_EQ(refused.error().code(), Code::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

    auto wrong_user =
        co_await Connection::connect(ex, testing::cluster().conninfo("postgres", "nobody", "pw"));
    CO_ASSERT(!wrong_user.ok());
    EXPECT_EQ(wrong_user.error().code(), Code::kUnavailable);
    EXPECT_EQ(wrong_user.error().message().find("pw"), std::string::npos);
  });
}

}  // namespace
}  // namespace dts::pg
