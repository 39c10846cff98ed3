#pragma once
// transact: run a function inside BEGIN ... COMMIT on a pooled connection, retrying the
// whole transaction (bounded, with jittered backoff) when PostgreSQL reports a
// serialization failure (40001) or a deadlock (40P01).
//
//   Result<int64_t> balance = co_await pg::transact(pool, pg::Isolation::kSerializable,
//       [&](pg::Connection& c) -> pg::Awaitable<Result<int64_t>> {
//         DTS_CO_ASSIGN_OR_RETURN(pg::Rows r, co_await c.prepared("bal", kBalance, wallet));
//         int64_t b = r[0].get<int64_t>(0);
//         DTS_CO_TRY(co_await c.prepared("debit", kDebit, wallet, amount));
//         co_return b - amount;
//       });
//
// Contract:
//  * `fn` is invoked once per attempt with a connection in an open transaction; it must
//    propagate database errors (return them). Returning an error rolls back; a retryable
//    error (see error.hpp retryable()) starts a new attempt, anything else is returned.
//  * Because it may run several times, `fn` must not have side effects outside the
//    database (or they must be idempotent). It is stored for the whole call, so lambda
//    captures stay valid across attempts.
//  * If `fn` returns success but a statement inside failed (the transaction is aborted),
//    the transaction is rolled back and kFailedPrecondition is returned: a swallowed error
//    never turns into a silent ROLLBACK reported as success.
//  * A lost connection during COMMIT yields kUnavailable and is not retried: whether the
//    commit happened is unknown.

#include <type_traits>
#include <utility>

#include "common/pg/connection.hpp"
#include "common/pg/error.hpp"
#include "common/pg/pool.hpp"

namespace dts::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct RetryPolicy {
  int max_attempts = 5;
  Millis backoff_initial{5};
  Millis backoff_max{250};
};

namespace detail {
Awaitable<Status> begin(Connection& conn, Isolation isolation);
// Commits, or rolls back and reports an error if the transaction is in a failed state.
Awaitable<Status> commit(Connection& conn);
// Best effort; a broken connection is simply not returned to the pool.
Awaitable<void> rollback(Connection& conn);
// Sleeps a random time in [0, min(max, initial * 2^(attempt-1))] ("full jitter").
Awaitable<void> retry_pause(int attempt, const RetryPolicy& policy);
}  // namespace detail

template <typename F>
auto transact(Pool& pool, Isolation isolation, F fn, RetryPolicy policy = {})
    -> std::invoke_result_t<F&, Connection&> {
  using Outcome = typename std::invoke_result_t<F&, Connection&>::value_type;
  for (int attempt = 1;; ++attempt) {
    auto lease = co_await pool.acquire();
    if (!lease.ok()) {
      co_return lease.error();
    }
    Connection& conn = **lease;
    if (Status begun = co_await detail::begin(conn, isolation); !begun.ok()) {
      co_return begun.error();
    }
    Outcome outcome = co_await fn(conn);
    Status finished = ok_status();
    if (outcome.ok()) {
      finished = co_await detail::commit(conn);
      if (finished.ok()) {
        co_return std::move(outcome);
      }
    } else {
      co_await detail::rollback(conn);
      finished = outcome.error();
    }
    if (!retryable(finished.error()) || attempt >= policy.max_attempts) {
      co_return finished.error();
    }
    co_await detail::retry_pause(attempt, policy);
  }
}

}  // namespace dts::pg
