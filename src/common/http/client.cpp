#include "common/http/client.hpp"

#include <poll.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <deque>
#include <map>
#include <mutex>

#include "common/http/detail/tls_client.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace dts::http {

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One pooled connection: plain TCP (http://) or TLS over TCP (https://).
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;

  explicit operator bool() const { return plain || tls; }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

}  // namespace

struct Client::Impl {
  asio::any_io_executor executor;
  ClientOptions options;
  mutable std::mutex mu;
  std::map<std::string, std::deque<Connection>> idle;
  // Taken at the first https:// request, so plain-HTTP clients never load the trust store.
  std::optional<Result<std::shared_ptr<asio::ssl::context>>> tls_context;

  Connection take_idle(const std::string& key) {
    std::lock_guard lock(mu);
    auto it = idle.find(key);
    while (it != idle.end() && !it->second.empty()) {
      auto conn = std::move(it->second.back());
      it->second.pop_back();
      if (still_open(conn.tcp())) return conn;
    }
    return {};
  }

  void give_back(const std::string& key, Connection conn) {
    std::lock_guard lock(mu);
    auto& q = idle[key];
    if (q.size() >= options.max_idle_per_host) q.pop_front();
    q.push_back(std::move(conn));
  }

  Result<std::shared_ptr<asio::ssl::context>> tls() {
    std::lock_guard lock(mu);
    if (!tls_context) tls_context.emplace(detail::shared_client_context(options.ca_file));
    return *tls_context;
  }

  // A pooled connection the server has closed shows up as readable (EOF). Drop those
  // before use instead of discovering it by failing a request. (For TLS, anything readable
  // on an idle connection — close_notify, a late session ticket — also retires it; a
  // response has been read whole, so nothing of ours is lost.)
  static bool still_open(beast::tcp_stream& stream) {
    pollfd pfd{stream.socket().native_handle(), POLLIN, 0};
    int r = ::poll(&pfd, 1, 0);
    return r == 0;
  }
};

namespace {

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path_and_query;
  std::string host_header;
};

Result<Target> parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return invalid_argument("bad URL '" + url + "': " + parsed.error().message());
  Target t;
  if (parsed->scheme() == "https") {
    t.tls = true;
  } else if (parsed->scheme() != "http") {
    return invalid_argument("unsupported URL scheme in '" + url + "' (only http and https)");
  }
  t.host = std::string(parsed->host_name().empty() ? parsed->host_address() : parsed->host_name());
  if (t.host.empty()) return invalid_argument("URL without host: '" + url + "'");
  if (t.host.size() > 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path_and_query = std::string(parsed->encoded_path());
  if (t.path_and_query.empty()) t.path_and_query = "/";
  if (parsed->has_query()) t.path_and_query += "?" + std::string(parsed->encoded_query());
  t.host_header = std::string(parsed->encoded_authority());
  return t;
}

// Sends the request and reads the response on either kind of stream.
template <typename Stream>
asio::awaitable<void> exchange(Stream& stream, bhttp::request<bhttp::string_body>& out,
                               beast::flat_buffer& buffer,
                               bhttp::response_parser<bhttp::string_body>& parser,
                               boost::system::error_code& ec) {
  co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    co_await bhttp::async_read(stream, buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
  }
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

}  // namespace

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->options = std::move(options);
}

Client::~Client() = default;

size_t Client::idle_connections() const {
  std::lock_guard lock(impl_->mu);
  size_t n = 0;
  for (const auto& [_, q] : impl_->idle) n += q.size();
  return n;
}

asio::awaitable<Result<Response>> Client::get(std::string url) {
  ClientRequest r;
  r.url = std::move(url);
  co_return co_await request(std::move(r));
}

asio::awaitable<Result<Response>> Client::post(std::string url, std::string body,
                                               std::string content_type) {
  ClientRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers.set("Content-Type", content_type);
  co_return co_await request(std::move(r));
}

asio::awaitable<Result<Response>> Client::request(ClientRequest request) {
  auto impl = impl_;  // keeps the pool alive across suspension
  auto target_or = parse_target(request.url);
  if (!target_or.ok()) co_return target_or.error();
  const Target& target = *target_or;
  const std::string key = target.host + ":" + target.port;
  // Pools are per scheme: an http:// and an https:// URL on the same port never share.
  const std::string pool_key = (target.tls ? "https://" : "http://") + key;
  std::shared_ptr<asio::ssl::context> tls_context;
  if (target.tls) {
    auto ctx = impl->tls();
    if (!ctx.ok()) co_return ctx.error();
    tls_context = *ctx;
  }
  auto timeout = request.timeout.value_or(impl->options.request_timeout);
  auto deadline = std::chrono::steady_clock::now() + timeout;

  bhttp::request<bhttp::string_body> out;
  out.method_string(request.method);
  out.target(target.path_and_query);
  out.version(11);
  for (const auto& [name, value] : request.headers) out.insert(name, value);
  if (out.find(bhttp::field::host) == out.end()) out.set(bhttp::field::host, target.host_header);
  if (out.find(bhttp::field::user_agent) == out.end()) {
    out.set(bhttp::field::user_agent, impl->options.user_agent);
  }
  out.body() = request.body;
  out.keep_alive(true);
  out.prepare_payload();

  std::string last_error = "no attempt";
  for (int attempt = 0; attempt <= impl->options.max_retries; ++attempt) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) break;
    boost::system::error_code ec;
    Connection conn = impl->take_idle(pool_key);
    bool sent_anything = false;
    if (!conn) {
      if (target.tls) {
        conn.tls = std::make_unique<TlsStream>(impl->executor, *tls_context);
      } else {
        conn.plain = std::make_unique<beast::tcp_stream>(impl->executor);
      }
      tcp::resolver resolver(impl->executor);
      auto endpoints = co_await resolver.async_resolve(
          target.host, target.port, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return unavailable("cannot resolve " + target.host + ": " + ec.message());
      // The connect timeout covers the TCP connect and the TLS handshake.
      conn.tcp().expires_after(std::min(remaining, impl->options.connect_timeout));
      co_await conn.tcp().async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        last_error = "connect to " + key + ": " + ec.message();
        continue;  // nothing was sent: safe to retry any method
      }
      if (conn.tls) {
        SSL* ssl = conn.tls->native_handle();
        auto prepared = detail::prepare_connection(ssl, target.host);
        if (!prepared.ok()) co_return prepared.error();
        co_await conn.tls->async_handshake(asio::ssl::stream_base::client,
                                           asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          last_error = "TLS handshake with " + key + " failed: " +
                       (ec == beast::error::timeout ? std::string("timed out")
                                                    : detail::describe_handshake_error(ec, ssl));
          // A refused certificate stays refused, a plain-HTTP port stays plain; anything
          // else is retried like a failed connect (no request byte was sent).
          if (detail::is_permanent_handshake_failure(ec, ssl)) co_return unavailable(last_error);
          continue;
        }
      }
    }
    conn.tcp().expires_after(remaining);
    sent_anything = true;
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(impl->options.max_response_bytes);
    parser.header_limit(64 * 1024);
    if (request.method == "HEAD") parser.skip(true);
    if (conn.tls) {
      co_await exchange(*conn.tls, out, buffer, parser, ec);
    } else {
      co_await exchange(*conn.plain, out, buffer, parser, ec);
    }
    if (ec == beast::error::timeout) {
      co_return deadline_exceeded(request.method + " " + request.url + " timed out after " +
                                  std::to_string(timeout.count()) + " ms");
    }
    if (ec == bhttp::error::body_limit) {
      co_return Error(Code::kPayloadTooLarge, "response from " + key + " exceeds " +
                                                  std::to_string(impl->options.max_response_bytes) +
                                                  " bytes");
    }
    if (ec) {
      last_error = request.method + " " + key + ": " + ec.message();
      if (sent_anything && !idempotent(request.method)) {
        co_return unavailable(last_error + " (not retried: " + request.method +
                              " is not idempotent)");
      }
      continue;
    }
    auto msg = parser.release();
    Response response;
    response.status = msg.result_int();
    for (const auto& field : msg) response.headers.add(field.name_string(), field.value());
    response.body = std::move(msg.body());
    if (msg.keep_alive() && buffer.size() == 0) {
      conn.tcp().expires_never();
      impl->give_back(pool_key, std::move(conn));
    }
    co_return response;
  }
  co_return unavailable(last_error);
}

}  // namespace dts::http
