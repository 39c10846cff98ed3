// One client connection: read a request within the limits and timeouts, route it, run
// middleware and handler, write the response; repeat while keep-alive.

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <exception>

#include "common/http/detail/server_impl.hpp"
#include "common/http/detail/stream_io.hpp"
#include "common/http/problem.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace dts::http::detail {
namespace {

const char* status_class(unsigned status) {
  switch (status / 100) {
    case 1: return "1xx";
    case 2: return "2xx";
    case 3: return "3xx";
    case 4: return "4xx";
    default: return "5xx";
  }
}

// Everything the session learned about one request, for the access log and metrics.
struct Exchange {
  Request request;
  Response response;
  Clock::time_point started = Clock::now();
  bool keep_alive = true;
  size_t bytes_out = 0;
};

template <class Fields>
void fill_request_head(Request& out, const bhttp::request_header<Fields>& in,
                       const std::string& remote) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  size_t q = out.target.find('?');
  out.path = out.target.substr(0, q);
  out.query = q == std::string::npos ? std::string() : out.target.substr(q + 1);
  for (const auto& field : in) {
    out.headers.add(field.name_string(), field.value());
  }
  out.remote_address = remote;
  out.version = in.version();
}

void fill_request(Request& out, bhttp::request<bhttp::string_body>& in,
                  const std::string& remote) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  size_t q = out.target.find('?');
  out.path = out.target.substr(0, q);
  out.query = q == std::string::npos ? std::string() : out.target.substr(q + 1);
  for (const auto& field : in) {
    out.headers.add(field.name_string(), field.value());
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  out.version = in.version();
}

void assign_ids(Request& req) {
  std::string_view incoming = req.header("X-Request-Id");
  req.request_id = ids::is_valid_request_id(incoming) ? std::string(incoming) : ids::new_request_id();
  auto parent = ids::parse_traceparent(req.header("traceparent"));
  req.trace = parent ? ids::child_of(*parent) : ids::new_trace();
}

asio::awaitable<Response> dispatch(ServerImpl& server, Request& req) {
  auto match = server.router.match(req.method, req.path);
  if (match.bad_encoding) {
    co_return problem(400, "malformed percent-encoding in path", req.request_id);
  }
  if (!match.handler) {
    if (match.path_matched) {
      Response r = problem(405, "method " + req.method + " not allowed", req.request_id);
      r.headers.set("Allow", match.allow);
      co_return r;
    }
    co_return problem(404, "no route for " + req.path, req.request_id);
  }
  req.route = std::string(match.route);
  req.params = std::move(match.params);
  for (const auto& mw : server.middleware) {
    std::optional<Response> early = co_await mw(req);
    if (early) co_return std::move(*early);
  }
  Result<Response> result = co_await (*match.handler)(req);
  if (!result.ok()) {
    const Error& err = result.error();
    if (err.code() == Code::kInternal) {
      log::error("handler failed", {{"request_id", req.request_id},
                                    {"trace_id", req.trace.trace_id},
                                    {"error", err.message()}});
    }
    co_return problem(err, req.request_id);
  }
  co_return std::move(result).value();
}

void log_access(ServerImpl& server, const Exchange& ex, size_t bytes_in,
                const boost::json::object* extra = nullptr) {
  double seconds = std::chrono::duration<double>(Clock::now() - ex.started).count();
  const Request& req = ex.request;
  std::string route = req.route.empty() ? "unmatched" : req.route;
  metrics::Labels labels{{"route", route}, {"method", req.method},
                         {"status_class", status_class(ex.response.status)}};
  server.registry.counter("http_requests_total", "HTTP requests handled", labels).inc();
  server.registry
      .histogram("http_request_duration_seconds", "Time from first byte to response written",
                 {{"route", route}, {"status_class", status_class(ex.response.status)}})
      .observe(seconds);
  // Health checks and scrapes arrive every second from the supervisor/load balancer; log
  // them only when they fail so they do not drown the real traffic.
  bool probe = route == "/healthz" || route == "/readyz" || route == "/metrics";
  log::Level level = ex.response.status >= 500 ? log::Level::kError
                     : probe && ex.response.status < 400 ? log::Level::kDebug
                                                         : log::Level::kInfo;
  if (!log::enabled(level)) return;
  boost::json::object fields{{"request_id", req.request_id},
                             {"trace_id", req.trace.trace_id},
                             {"method", req.method},
                             {"path", req.path},
                             {"route", route},
                             {"status", ex.response.status},
                             {"duration_ms", seconds * 1000.0},
                             {"bytes_in", bytes_in},
                             {"bytes_out", ex.bytes_out},
                             {"remote", req.remote_address}};
  if (extra) {
    for (const auto& kv : *extra) fields[kv.key()] = kv.value();
  }
  log::write(level, "request", fields);
}

// Converts and writes; returns false when the connection must close.
asio::awaitable<bool> write_response(ServerImpl& server, Connection& conn, Exchange& ex) {
  Response& res = ex.response;
  bhttp::response<bhttp::string_body> out;
  out.version(ex.request.version == 10 ? 10 : 11);
  out.result(res.status);
  out.reason(reason_phrase(res.status));
  for (const auto& [name, value] : res.headers) {
    out.insert(name, value);
  }
  if (!ex.request.request_id.empty()) out.set("X-Request-Id", ex.request.request_id);
  bool keep = ex.keep_alive && !server.draining;
  out.keep_alive(keep);
  if (ex.request.method == "HEAD") {
    out.content_length(res.body.size());
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  size_t bytes_out = out.body().size();
  conn.stream.expires_after(std::max(std::chrono::milliseconds(1000),
                                     std::chrono::duration_cast<std::chrono::milliseconds>(
                                         ex.request.deadline - Clock::now())));
  boost::system::error_code ec;
  bhttp::response_serializer<bhttp::string_body> sr(out);
  if (ex.request.method == "HEAD") sr.split(true);
  if (ex.request.method == "HEAD") {
    co_await bhttp::async_write_header(conn.stream, sr, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await bhttp::async_write(conn.stream, sr, asio::redirect_error(asio::use_awaitable, ec));
  }
  ex.bytes_out = bytes_out;
  co_return !ec && keep;
}

// Answers a request that failed before routing and closes the connection.
asio::awaitable<void> reject(ServerImpl& server, Connection& conn, Exchange& ex, unsigned status,
                             std::string_view detail) {
  server.server_metrics.rejected_total.inc();
  if (ex.request.request_id.empty()) ex.request.request_id = ids::new_request_id();
  ex.response = problem(status, detail, ex.request.request_id);
  ex.keep_alive = false;
  ex.request.deadline = Clock::now() + std::chrono::seconds(2);
  co_await write_response(server, conn, ex);
  log::warn("request rejected", {{"request_id", ex.request.request_id},
                                 {"status", status},
                                 {"detail", detail},
                                 {"remote", ex.request.remote_address}});
}

// A request for the stream handler: the body is read on demand while the handler runs.
// Returns whether the connection may carry another request.
asio::awaitable<bool> serve_streamed(ServerImpl& server, Connection& conn,
                                     beast::flat_buffer& buffer,
                                     bhttp::request_parser<bhttp::string_body>& parser,
                                     Exchange& ex, const std::string& remote) {
  const ServerOptions& opt = server.options;
  auto& head = parser.get();
  bool expect_continue = bhttp::token_list{head[bhttp::field::expect]}.exists("100-continue");
  ex.keep_alive = head.keep_alive();
  fill_request_head(ex.request, head, remote);
  assign_ids(ex.request);
  if (!conn.no_delay) {
    // Streamed answers go out in pieces; Nagle would hold the last one for a delayed ACK.
    boost::system::error_code nodelay_ec;
    conn.stream.socket().set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
    conn.no_delay = true;
  }
  auto body_parser = std::make_unique<StreamRequestParser>(std::move(parser));
  body_parser->body_limit(opt.max_body_bytes);
  SessionBodyReader reader(conn.stream, buffer, *body_parser, opt.body_timeout, expect_continue);
  SessionResponseWriter writer(
      conn.stream, ex.request.version, ex.request.method == "HEAD", ex.request.request_id,
      opt.body_timeout, [&server, &ex, &reader] {
        return ex.keep_alive && !server.draining && reader.done() && !reader.failed();
      });
  StreamOutcome outcome;
  bool threw = false;
  try {
    outcome = co_await server.stream_handler(ex.request, reader, writer);
  } catch (const std::exception& e) {
    log::error("stream handler threw", {{"request_id", ex.request.request_id},
                                        {"trace_id", ex.request.trace.trace_id},
                                        {"error", e.what()}});
    threw = true;
  }
  bool keep = false;
  if (threw && !writer.head_written()) {
    outcome.response = problem(500, "internal error", ex.request.request_id);
  }
  if (outcome.response && !writer.head_written()) {
    ex.response = std::move(*outcome.response);
    ex.keep_alive = ex.keep_alive && reader.done() && !reader.failed() &&
                    !outcome.close_connection;
    keep = co_await write_response(server, conn, ex);
  } else {
    ex.response.status = outcome.status != 0 ? outcome.status : 502;
    ex.bytes_out = writer.bytes_out();
    keep = !threw && writer.finished_ok() && writer.keep_alive() && reader.done();
  }
  log_access(server, ex, reader.consumed(), &outcome.log_fields);
  co_return keep;
}

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<ServerImpl> server,
                                       std::shared_ptr<Connection> conn) {
  const ServerOptions& opt = server->options;
  // GCC 12 mishandles temporaries with destructors in a full-expression that contains
  // co_await (PR 100611 family), so messages are built into named variables first.
  const std::string too_large =
      "body larger than " + std::to_string(opt.max_body_bytes) + " bytes";
  beast::flat_buffer buffer;
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = conn->stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }

  while (!server->draining || buffer.size() > 0) {
    boost::system::error_code ec;
    conn->busy = false;
    // Idle: wait for the first byte of the next request (unless pipelined bytes wait).
    if (buffer.size() == 0) {
      conn->stream.expires_after(opt.idle_timeout);
      auto n = co_await conn->stream.async_read_some(
          buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // idle timeout, peer closed, or shutdown closed it
      buffer.commit(n);
    }
    conn->busy = true;
    server->server_metrics.in_flight.add(1);
    Exchange ex;
    ex.request.remote_address = remote;
    ex.request.deadline = ex.started + opt.total_timeout;
    bool keep_going = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);
    conn->stream.expires_after(opt.header_timeout);
    co_await bhttp::async_read_header(conn->stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    size_t header_count = 0;
    if (!ec) {
      for (auto it = parser.get().begin(); it != parser.get().end(); ++it) ++header_count;
    }
    if (ec == bhttp::error::header_limit || (!ec && header_count > opt.max_header_count)) {
      co_await reject(*server, *conn, ex, 431, "request header fields too large");
    } else if (ec == beast::error::timeout) {
      // Slow or stalled client (slowloris): the stream already closed the socket on expiry.
      server->server_metrics.rejected_total.inc();
      log::warn("request headers not received in time; connection closed",
                {{"remote", remote}, {"timeout_ms", opt.header_timeout.count()}});
    } else if (ec == bhttp::error::body_limit) {
      co_await reject(*server, *conn, ex, 413, too_large);  // Content-Length over the limit
    } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
               ec == asio::error::operation_aborted) {
      // Peer went away mid-request; nothing to answer.
    } else if (ec) {
      std::string detail = "malformed request: " + ec.message();
      co_await reject(*server, *conn, ex, 400, detail);
    } else if (parser.content_length() && *parser.content_length() > opt.max_body_bytes) {
      co_await reject(*server, *conn, ex, 413, too_large);
    } else if (server->stream_handler &&
               !server->router
                    .match(parser.get().method_string(),
                           parser.get().target().substr(0, parser.get().target().find('?')))
                    .handler) {
      keep_going = co_await serve_streamed(*server, *conn, buffer, parser, ex, remote);
    } else {
      auto& head = parser.get();
      if (bhttp::token_list{head[bhttp::field::expect]}.exists("100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, head.version()};
        conn->stream.expires_after(opt.body_timeout);
        co_await bhttp::async_write(conn->stream, cont,
                                    asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec && !parser.is_done()) {
        conn->stream.expires_after(
            std::min(opt.body_timeout, std::chrono::duration_cast<std::chrono::milliseconds>(
                                           ex.request.deadline - Clock::now())));
        co_await bhttp::async_read(conn->stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec == bhttp::error::body_limit) {
        co_await reject(*server, *conn, ex, 413, too_large);
      } else if (ec == beast::error::timeout) {
        server->server_metrics.rejected_total.inc();
        log::warn("request body not received in time; connection closed",
                  {{"remote", remote}, {"timeout_ms", opt.body_timeout.count()}});
      } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) {
        // Peer went away mid-body.
      } else if (ec) {
        std::string detail = "malformed request: " + ec.message();
        co_await reject(*server, *conn, ex, 400, detail);
      } else {
        auto msg = parser.release();
        ex.keep_alive = msg.keep_alive();
        size_t bytes_in = msg.body().size();
        fill_request(ex.request, msg, remote);
        assign_ids(ex.request);
        try {
          ex.response = co_await dispatch(*server, ex.request);
        } catch (const std::exception& e) {
          log::error("handler threw", {{"request_id", ex.request.request_id},
                                       {"trace_id", ex.request.trace.trace_id},
                                       {"error", e.what()}});
          ex.response = problem(500, "internal error", ex.request.request_id);
        }
        keep_going = co_await write_response(*server, *conn, ex);
        log_access(*server, ex, bytes_in);
      }
    }
    server->server_metrics.in_flight.add(-1);
    if (!keep_going) break;
  }
  conn->busy = false;
  boost::system::error_code ec;
  conn->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  conn->stream.socket().close(ec);
}

}  // namespace dts::http::detail
