#pragma once
// Connection: one asynchronous libpq connection driven by Boost.Asio coroutines.
//
//   DTS_ASSIGN_OR_RETURN(auto conn, co_await pg::Connection::connect(ex, conninfo));
//   auto rows = co_await conn->query("SELECT name FROM t WHERE id = $1", id);
//   auto same = co_await conn->prepared("t_by_id", "SELECT name FROM t WHERE id = $1", id);
//
// Nothing blocks the io_context: the socket (PQsocket) is wrapped in an Asio
// stream_descriptor and awaited for readiness; libpq only ever runs in non-blocking mode.
// (Exception: PQconnectStart resolves host *names* synchronously; use a unix socket
// directory or hostaddr= where that matters.) The descriptor is release()d, never closed:
// the fd belongs to libpq.
//
// Errors are values (see error.hpp for the SQLSTATE mapping). A lost connection yields
// kUnavailable and marks the connection broken(); the Pool then discards it.
//
// Statement timeouts: each query takes a timeout (zero = the connection's default from
// ConnectOptions, which may itself be zero = none). When it expires the query is cancelled
// with PQcancel (on a helper thread: PQcancel blocks while it opens its own connection)
// and the call returns kDeadlineExceeded; the connection stays usable. If the server does
// not acknowledge the cancel within a grace period the connection is marked broken.
//
// Thread-safety: a Connection is used by one coroutine at a time (a second concurrent call
// fails with kFailedPrecondition rather than corrupting the protocol). Arguments passed as
// string_view must outlive the co_await, which is always true when awaited directly.

#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/pg/param.hpp"
#include "common/pg/rows.hpp"
#include "common/result.hpp"

namespace dts::pg {

using Executor = boost::asio::any_io_executor;
template <typename T>
using Awaitable = boost::asio::awaitable<T>;
using Millis = std::chrono::milliseconds;

struct ConnectOptions {
  // Upper bound for establishing the connection (TCP/unix connect, TLS, auth).
  Millis connect_timeout{5000};
  // Default per-statement timeout applied when a call passes zero; zero = no limit.
  Millis statement_timeout{0};
  // How long to wait for the server to acknowledge a cancel before giving up on the
  // connection.
  Millis cancel_grace{2000};
};

// A NOTIFY received on this connection (see Listener).
struct Notification {
  std::string channel;
  std::string payload;
  int backend_pid = 0;
};

class Connection {
 public:
  // Opens a connection. A malformed conninfo is kInvalidArgument (checked before any I/O);
  // an unreachable or refusing server, failed authentication or the connect timeout is
  // kUnavailable. The message never contains the password.
  static Awaitable<Result<std::unique_ptr<Connection>>> connect(Executor executor,
                                                                std::string conninfo,
                                                                ConnectOptions options = {});

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with $1..$n parameters (extended protocol, text format), each argument
  // converted by Param (string, string_view, const char*, int32/int64, double, bool,
  // std::nullopt or std::optional<std::string> for NULL). Uses the default timeout.
  //   co_await conn.query("SELECT name FROM t WHERE id = $1 AND tenant = $2", id, tenant);
  // (Variadic rather than an initializer list: g++ 12 cannot keep a braced list alive
  // across co_await, "array used as initializer".)
  template <typename... Args>
  Awaitable<Result<Rows>> query(std::string_view sql, const Args&... args) {
    return query_params(sql, Params{Param(args)...});
  }
  // Like query, but the statement is prepared once per connection under `name` and reused.
  // Reusing a name with different SQL is kInvalidArgument (a programming error).
  template <typename... Args>
  Awaitable<Result<Rows>> prepared(std::string_view name, std::string_view sql,
                                   const Args&... args) {
    return prepared_params(name, sql, Params{Param(args)...});
  }

  // The general forms: a parameter list built at run time and an explicit timeout (zero =
  // the connection's default).
  Awaitable<Result<Rows>> query_params(std::string_view sql, Params params,
                                       Millis timeout = Millis::zero());
  Awaitable<Result<Rows>> prepared_params(std::string_view name, std::string_view sql,
                                          Params params, Millis timeout = Millis::zero());

  // A script of one or more statements without parameters (simple protocol), e.g. a
  // migration file or "BEGIN ISOLATION LEVEL SERIALIZABLE". Returns the last result.
  Awaitable<Result<Rows>> execute(std::string_view script, Millis timeout = Millis::zero());

  // True once the connection is known to be unusable (lost socket, failed protocol state).
  bool broken() const;
  // True if a transaction is open (or failed and not yet rolled back).
  bool in_transaction() const;
  // Non-blocking liveness check for an idle connection: consumes whatever the server sent
  // while idle (e.g. the FATAL it sends when it shuts down) and reports whether the
  // connection is still usable. Used by the Pool before handing a connection out.
  bool check_idle();

  // Waits until the server sends something (used by Listener to wait for NOTIFY) and
  // consumes it. kUnavailable if the connection is lost; kCancelled if the wait is cancelled.
  Awaitable<Status> wait_for_input();
  // Notifications received so far (drained).
  std::vector<Notification> take_notifications();
  // Cancels a pending wait_for_input (call from the connection's executor).
  void cancel_wait();

  // The error result of the last failed call (DETAIL, HINT, position...), or null; for
  // operator-facing reports such as migration failures (see describe_verbose).
  const PGresult* last_failure() const { return last_failure_.get(); }

  int backend_pid() const { return PQbackendPID(conn_); }
  PGconn* native() { return conn_; }

 private:
  enum class Wait { kReady, kTimeout, kFailed };
  using Clock = std::chrono::steady_clock;

  Connection(Executor executor, PGconn* conn, ConnectOptions options);

  Awaitable<Result<Rows>> run(bool sent, std::optional<Clock::time_point> deadline);
  Awaitable<Wait> wait(bool for_write, std::optional<Clock::time_point> deadline);
  std::optional<Clock::time_point> deadline_for(Millis timeout) const;
  Status rebind_socket();
  Error mark_broken(std::string_view what);

  PGconn* conn_;
  ConnectOptions options_;
  boost::asio::posix::stream_descriptor socket_;
  std::unordered_map<std::string, std::string> prepared_;
  std::unique_ptr<PGresult, decltype(&PQclear)> last_failure_{nullptr, &PQclear};
  bool broken_ = false;
  bool busy_ = false;
};

// Quotes an identifier for SQL ("my""schema"), for the few places where a name cannot be a
// parameter (schema names in DDL, LISTEN channels).
std::string quote_identifier(std::string_view name);

}  // namespace dts::pg
