#include "common/http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include "common/http/detail/server_impl.hpp"
#include "common/http/problem.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace dts::http {
namespace detail {

ServerMetrics::ServerMetrics(metrics::Registry& r)
    : in_flight(r.gauge("http_requests_in_flight", "Requests being handled")),
      open_connections(r.gauge("http_open_connections", "Open client connections")),
      connections_total(r.counter("http_connections_total", "Accepted client connections")),
      rejected_total(
          r.counter("http_rejected_requests_total", "Requests refused before routing")) {}

ServerImpl::ServerImpl(std::string service_name, ServerOptions opts, metrics::Registry& metrics)
    : service(std::move(service_name)),
      options(std::move(opts)),
      registry(metrics),
      server_metrics(metrics),
      ioc_owner(std::make_unique<asio::io_context>(
          options.threads == 0 ? static_cast<int>(std::thread::hardware_concurrency())
                               : static_cast<int>(options.threads))),
      ioc(*ioc_owner) {}

void ServerImpl::add_builtin_routes() {
  router.add("GET", "/healthz", [](Request&) -> asio::awaitable<Result<Response>> {
    co_return Response::json(boost::json::object{{"status", "ok"}});
  });
  router.add("GET", "/readyz", [this](Request& req) -> asio::awaitable<Result<Response>> {
    if (draining) co_return problem(503, "shutting down", req.request_id);
    if (readiness) {
      Status status = co_await readiness();
      if (!status.ok()) {
        co_return problem(503, "not ready: " + status.error().message(), req.request_id);
      }
    }
    co_return Response::json(boost::json::object{{"status", "ready"}});
  });
  if (!options.expose_metrics) return;
  router.add("GET", "/metrics", [this](Request&) -> asio::awaitable<Result<Response>> {
    std::string body = registry.render();
    metrics::append_process_metrics(body);
    co_return Response::text(std::move(body), 200, "text/plain; version=0.0.4; charset=utf-8");
  });
}

asio::awaitable<void> ServerImpl::accept_loop() {
  auto self = shared_from_this();
  while (!draining) {
    boost::system::error_code ec;
    tcp::socket socket(asio::make_strand(ioc));
    co_await acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (draining || ec == asio::error::operation_aborted) break;
      // EMFILE and friends: log, back off briefly, keep serving the others.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    server_metrics.connections_total.inc();
    auto conn = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mu);
      if (connections.size() >= options.max_connections) {
        server_metrics.rejected_total.inc();
        conn->stream.socket().close(ec);
        continue;
      }
      connections.insert(conn);
    }
    server_metrics.open_connections.add(1);
    auto executor = conn->stream.get_executor();
    asio::co_spawn(executor, serve_connection(self, conn),
                   [self, conn](std::exception_ptr) {
                     std::lock_guard lock(self->connections_mu);
                     self->connections.erase(conn);
                     self->server_metrics.open_connections.add(-1);
                   });
  }
}

void ServerImpl::close_idle_connections() {
  std::lock_guard lock(connections_mu);
  for (const auto& conn : connections) {
    // On the connection's strand, so `busy` is read without a race.
    asio::post(conn->stream.get_executor(), [conn] {
      if (!conn->busy) {
        boost::system::error_code ec;
        conn->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        conn->stream.socket().close(ec);
      }
    });
  }
}

void ServerImpl::close_all_connections() {
  std::lock_guard lock(connections_mu);
  for (const auto& conn : connections) {
    asio::post(conn->stream.get_executor(), [conn] {
      boost::system::error_code ec;
      conn->stream.socket().close(ec);
    });
  }
}

asio::awaitable<void> ServerImpl::drain_then_stop() {
  auto self = shared_from_this();
  auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  asio::steady_timer timer(ioc);
  while (std::chrono::steady_clock::now() < deadline) {
    close_idle_connections();  // connections that finish a request go idle, then close
    {
      std::lock_guard lock(connections_mu);
      if (connections.empty()) break;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  size_t left;
  {
    std::lock_guard lock(connections_mu);
    left = connections.size();
  }
  if (left > 0) {
    log::warn("shutdown grace period over, closing connections", {{"connections", left}});
    close_all_connections();
  }
  log::info("server stopped", {{"port", port}});
  stopped = true;
  ioc.stop();
}

}  // namespace detail

Server::Server(std::string service, ServerOptions options, metrics::Registry& metrics)
    : impl_(std::make_shared<detail::ServerImpl>(std::move(service), std::move(options),
                                                 metrics)) {
  impl_->add_builtin_routes();
}

Server::~Server() {
  if (!impl_->ioc.stopped()) impl_->ioc.stop();
  // Drop our reference first, then destroy the context: that destroys the queued handlers
  // and with them the last references to the implementation (see ServerImpl::ioc_owner).
  std::unique_ptr<asio::io_context> ioc = std::move(impl_->ioc_owner);
  impl_.reset();
  ioc.reset();
}

Router& Server::router() { return impl_->router; }
void Server::use(Middleware middleware) { impl_->middleware.push_back(std::move(middleware)); }
void Server::set_readiness(ReadinessCheck check) { impl_->readiness = std::move(check); }
void Server::set_stream_handler(StreamHandler handler) {
  impl_->stream_handler = std::move(handler);
}
asio::any_io_executor Server::executor() { return impl_->ioc.get_executor(); }
asio::io_context& Server::context() { return impl_->ioc; }
uint16_t Server::port() const { return impl_->port; }

Result<uint16_t> Server::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return invalid_argument("bad listen address '" + impl_->options.host + "'");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor.emplace(impl_->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return unavailable("cannot listen on " + impl_->options.host + ":" +
                       std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->port = acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  log::info("listening", {{"address", impl_->options.host}, {"port", impl_->port}});
  return impl_->port;
}

void Server::run() {
  unsigned n = impl_->options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                           : impl_->options.threads;
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  auto impl = impl_;
  asio::post(impl->ioc, [impl] {
    if (impl->draining.exchange(true)) return;
    log::info("shutting down: draining connections",
              {{"grace_ms", impl->options.shutdown_grace.count()}});
    boost::system::error_code ec;
    if (impl->acceptor) impl->acceptor->close(ec);
    asio::co_spawn(impl->ioc, impl->drain_then_stop(), asio::detached);
  });
}

int Server::run_until_signal() {
  asio::signal_set signals(impl_->ioc, SIGTERM, SIGINT);
  signals.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("signal received", {{"signal", signo}});
    stop();
  });
  run();
  return 0;
}

}  // namespace dts::http
