#pragma once
// Internals shared by server.cpp (lifecycle, accept loop) and session.cpp (one connection).

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/http/server.hpp"
#include "common/metrics.hpp"

namespace dts::http::detail {

// One accepted connection. `busy` is true from the first byte of a request until its
// response is written; only touched on the connection's strand.
struct Connection {
  explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
  boost::beast::tcp_stream stream;
  bool busy = false;
  bool no_delay = false;  // TCP_NODELAY set (once per connection, on its first streamed answer)
};

struct ServerMetrics {
  explicit ServerMetrics(metrics::Registry& registry);
  metrics::Gauge& in_flight;
  metrics::Gauge& open_connections;
  metrics::Counter& connections_total;
  metrics::Counter& rejected_total;  // requests refused before routing (limits, timeouts)
};

struct ServerImpl : std::enable_shared_from_this<ServerImpl> {
  ServerImpl(std::string service, ServerOptions options, metrics::Registry& metrics);

  std::string service;
  ServerOptions options;
  metrics::Registry& registry;
  ServerMetrics server_metrics;
  Router router;
  std::vector<Middleware> middleware;
  ReadinessCheck readiness;
  StreamHandler stream_handler;

  // Owned through a pointer so ~Server can destroy it on its own: pending handlers (the
  // coroutine frames of accept loops and sessions) hold shared_ptr<ServerImpl>, and only
  // destroying the context releases them (otherwise ServerImpl -> ioc -> frame -> ServerImpl
  // is a cycle that leaks when the server stops with operations still queued).
  std::unique_ptr<boost::asio::io_context> ioc_owner;
  boost::asio::io_context& ioc;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  uint16_t port = 0;
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};

  std::mutex connections_mu;
  std::unordered_set<std::shared_ptr<Connection>> connections;

  void add_builtin_routes();
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> drain_then_stop();
  void close_idle_connections();
  void close_all_connections();
};

// Serves one connection until it closes (session.cpp).
boost::asio::awaitable<void> serve_connection(std::shared_ptr<ServerImpl> server,
                                              std::shared_ptr<Connection> conn);

}  // namespace dts::http::detail
