#pragma once
// Pool: a bounded set of Connections shared by the coroutines of one service.
//
//   pg::Pool pool(io.get_executor(), {.conninfo = cfg.database_url, .max_size = 16});
//   DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool.acquire());
//   auto rows = co_await lease->prepared("job_by_id", kJobById, tenant, id);
//   // the lease returns the connection to the pool when it goes out of scope
//
// Behaviour:
//  * acquire() hands out an idle connection (most recently used first, after a
//    non-blocking liveness check), opens a new one while fewer than max_size exist, or waits
//    in FIFO order for one to be returned. A waiter that gets nothing within
//    acquire_timeout receives kUnavailable ("pool exhausted"): the service is overloaded,
//    the caller may retry later (503), it is not the client's quota (429).
//  * Connections that come back broken, inside a transaction or busy are closed, not
//    reused; their slot passes to the next waiter.
//  * When the server is down, connection attempts back off exponentially with jitter
//    (shared by all acquirers, so a restart is not met by a thundering herd) until the
//    acquire deadline; after a server restart, dead idle connections are detected on
//    acquire and replaced transparently.
//  * ping() (for /readyz) acquires a connection and runs SELECT 1.
//
// Thread-safety: Pool and Lease may be used from any thread (the state is behind a mutex
// and waiters are woken through thread-safe channels); a Lease and its Connection belong to
// one coroutine at a time. The Pool must outlive the coroutines that use it; Leases still
// out when it is destroyed are closed on return.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/pg/connection.hpp"
#include "common/result.hpp"

namespace dts::pg {

struct PoolOptions {
  std::string conninfo;
  std::size_t max_size = 10;
  Millis acquire_timeout{5000};
  // connect_timeout, default statement_timeout and cancel grace for every connection.
  ConnectOptions connection;
  Millis backoff_initial{100};
  Millis backoff_max{5000};
};

namespace detail {
struct PoolState;
}

// Exclusive use of one pooled Connection; returns it to the pool on destruction.
class Lease {
 public:
  Lease(std::shared_ptr<detail::PoolState> state, std::unique_ptr<Connection> conn);
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  // Closes the connection instead of returning it (e.g. after changing session state).
  void discard() { conn_.reset(); }

 private:
  void give_back();

  std::shared_ptr<detail::PoolState> state_;
  std::unique_ptr<Connection> conn_;
};

struct PoolStats {
  std::size_t open = 0;  // idle + leased + being opened
  std::size_t idle = 0;
  std::size_t waiting = 0;  // acquirers queued
};

class Pool {
 public:
  Pool(Executor executor, PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Awaitable<Result<Lease>> acquire();
  // OK when a connection can be acquired and answers SELECT 1 within `timeout`.
  Awaitable<Status> ping(Millis timeout = Millis(2000));

  PoolStats stats() const;
  const PoolOptions& options() const;

 private:
  std::shared_ptr<detail::PoolState> state_;
};

}  // namespace dts::pg
