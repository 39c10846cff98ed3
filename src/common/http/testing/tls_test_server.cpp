#include "common/http/testing/tls_test_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdlib>
#include <iostream>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace dts::http::testing {

struct TlsTestServer::State {
  asio::io_context ioc{1};
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  Handler handler;
};

namespace {

using ServerStream = beast::ssl_stream<beast::tcp_stream>;

asio::awaitable<void> serve(ServerStream stream, TlsTestServer::Handler& handler,
                            std::atomic<long>& delay_ms, std::atomic<long>& idle_ms,
                            std::atomic<bool>& stall, std::atomic<int>& failed_handshakes,
                            std::atomic<int>& requests) {
  boost::system::error_code ec;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  if (stall) {
    // Hold the connection open without a ServerHello until the client gives up.
    beast::flat_buffer sink;
    tcp_layer.expires_after(std::chrono::seconds(10));
    while (!ec) {
      co_await tcp_layer.async_read_some(sink.prepare(4096),
                                         asio::redirect_error(asio::use_awaitable, ec));
      sink.clear();
    }
    co_return;
  }
  tcp_layer.expires_after(std::chrono::seconds(5));
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++failed_handshakes;
    co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    tcp_layer.expires_after(std::chrono::milliseconds(idle_ms.load()));
    bhttp::request<bhttp::string_body> in;
    co_await bhttp::async_read(stream, buffer, in, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    ++requests;
    Request req;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    req.path = req.target.substr(0, req.target.find('?'));
    for (const auto& field : in) req.headers.add(field.name_string(), field.value());
    req.body = in.body();
    Response reply = handler(req);
    if (long ms = delay_ms.load(); ms > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(reply.status), in.version()};
    for (const auto& [name, value] : reply.headers) out.insert(name, value);
    out.body() = std::move(reply.body);
    out.keep_alive(in.keep_alive());
    out.prepare_payload();
    co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !out.keep_alive()) co_return;
  }
}

}  // namespace

TlsTestServer::TlsTestServer(const IssuedCert& cert, Handler handler)
    : state_(std::make_unique<State>()) {
  state_->handler = std::move(handler);
  boost::system::error_code ec;
  state_->ctx.use_certificate_chain(asio::buffer(cert.cert_pem), ec);
  if (!ec) state_->ctx.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem, ec);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  if (!ec) state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "TlsTestServer: " << ec.message() << "\n";
    std::abort();
  }
  port_ = state_->acceptor.local_endpoint().port();
  asio::co_spawn(
      state_->ioc,
      [this]() -> asio::awaitable<void> {
        for (;;) {
          boost::system::error_code aec;
          tcp::socket socket = co_await state_->acceptor.async_accept(
              asio::redirect_error(asio::use_awaitable, aec));
          if (aec) co_return;  // closed by the destructor
          ++connections_;
          ServerStream stream(std::move(socket), state_->ctx);
          asio::co_spawn(state_->ioc,
                         serve(std::move(stream), state_->handler, delay_ms_, idle_ms_, stall_,
                               failed_handshakes_, requests_),
                         asio::detached);
        }
      },
      asio::detached);
  thread_ = std::thread([this] { state_->ioc.run(); });
}

TlsTestServer::~TlsTestServer() {
  state_->ioc.stop();
  thread_.join();
}

std::string TlsTestServer::url(std::string_view path, std::string_view host) const {
  std::string h(host);
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return "https://" + h + ":" + std::to_string(port_) + std::string(path);
}

}  // namespace dts::http::testing
