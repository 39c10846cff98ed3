#pragma once
// The HTTP/1.1 server every service runs (Beast/Asio behind this header).
//
//   listener -> session (timeouts, limits, keep-alive, pipelining) -> router
//            -> middleware (continue or respond) -> handler -> Result<Response>
//
// Requests on one connection are handled one after another, so pipelined requests are
// answered in order. Every error leaving the server is RFC 9457 problem+json with the
// request id; a handler that throws becomes a 500 (logged), never a crash.
//
// Built-in routes: GET /healthz (live), GET /readyz (the readiness check), GET /metrics.
//
// Thread-safety: configure (router, middleware, readiness) before `listen()`; afterwards
// the server is used from its own threads and `stop()` may be called from any thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/http/message.hpp"
#include "common/http/router.hpp"
#include "common/http/stream.hpp"
#include "common/result.hpp"

namespace boost::asio {
class io_context;
}

namespace dts::metrics {
class Registry;
}

namespace dts::http {

namespace detail {
struct ServerImpl;
}

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                 // 0 = any free port (tests)
  unsigned threads = 0;              // 0 = one per core
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_count = 100;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_connections = 10000;
  std::chrono::milliseconds idle_timeout{60'000};    // between requests on a connection
  std::chrono::milliseconds header_timeout{10'000};  // first byte to end of headers
  std::chrono::milliseconds body_timeout{30'000};    // reading the body
  std::chrono::milliseconds total_timeout{60'000};   // whole request incl. writing
  std::chrono::milliseconds shutdown_grace{10'000};  // in-flight requests get this long
  bool expose_metrics = true;  // GET /metrics on this listener (off for a public gateway)
};

// Middleware runs after routing, before the handler: return a Response to answer now,
// nullopt to continue. (Authentication, rate limits.)
using Middleware =
    std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;

// Readiness: ok when the service can take traffic (database reachable, migrations applied).
using ReadinessCheck = std::function<boost::asio::awaitable<Status>()>;

class Server {
 public:
  Server(std::string service, ServerOptions options, metrics::Registry& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Router& router();
  void use(Middleware middleware);
  void set_readiness(ReadinessCheck check);
  // Requests the router does not match go to `handler` with their body unread (a
  // reverse proxy streams it). Without a stream handler they are a 404/405 as usual.
  void set_stream_handler(StreamHandler handler);

  // The executor the server's threads run; services build their clients/pools on it.
  boost::asio::any_io_executor executor();
  boost::asio::io_context& context();

  // Binds and starts accepting. Returns the bound port (useful with port 0).
  Result<uint16_t> listen();
  uint16_t port() const;

  // Runs the I/O threads and blocks until the server has stopped.
  void run();
  // Graceful stop: stop accepting, close idle connections, let in-flight requests finish
  // within `shutdown_grace`, then close everything and return from run().
  void stop();

  // run() until SIGTERM or SIGINT, then stop() gracefully. Returns the process exit code.
  int run_until_signal();

 private:
  std::shared_ptr<detail::ServerImpl> impl_;
};

}  // namespace dts::http
