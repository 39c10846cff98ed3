#include "common/pg/transaction.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "common/log.hpp"

namespace dts::pg::detail {

namespace {

const char* begin_statement(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace

Awaitable<Status> begin(Connection& conn, Isolation isolation) {
  auto begun = co_await conn.execute(begin_statement(isolation));
  if (!begun.ok()) {
    co_return begun.error();
  }
  co_return ok_status();
}

Awaitable<Status> commit(Connection& conn) {
  if (PQtransactionStatus(conn.native()) == PQTRANS_INERROR) {
    co_await rollback(conn);
    co_return failed_precondition(
        "transaction aborted by an earlier failed statement whose error was not returned");
  }
  auto committed = co_await conn.execute("COMMIT");
  if (!committed.ok()) {
    if (conn.in_transaction()) {
      co_await rollback(conn);
    }
    co_return committed.error();
  }
  co_return ok_status();
}

Awaitable<void> rollback(Connection& conn) {
  if (conn.broken()) {
    co_return;
  }
  auto rolled_back = co_await conn.execute("ROLLBACK");
  if (!rolled_back.ok()) {
    log::warn("rollback failed", {{"error", rolled_back.error().message()}});
  }
}

Awaitable<void> retry_pause(int attempt, const RetryPolicy& policy) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto cap = policy.backoff_initial * (1LL << std::min(attempt - 1, 20));
  cap = std::min<Millis>(cap, policy.backoff_max);
  Millis pause(std::uniform_int_distribution<Millis::rep>(0, cap.count())(rng));
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, pause);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace dts::pg::detail
