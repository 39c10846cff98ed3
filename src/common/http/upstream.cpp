#include "common/http/upstream.hpp"

#include <poll.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "common/http/detail/stream_io.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace dts::http {

struct UpstreamPool::Impl {
  asio::any_io_executor executor;
  UpstreamOptions options;
  mutable std::mutex mu;
  struct Idle {
    std::unique_ptr<beast::tcp_stream> stream;
    Clock::time_point since;
  };
  std::map<std::string, std::deque<Idle>> idle;

  std::unique_ptr<beast::tcp_stream> take(const std::string& key) {
    std::lock_guard lock(mu);
    auto it = idle.find(key);
    auto now = Clock::now();
    while (it != idle.end() && !it->second.empty()) {
      Idle entry = std::move(it->second.back());
      it->second.pop_back();
      if (now - entry.since < options.idle_ttl && still_open(*entry.stream)) {
        return std::move(entry.stream);
      }
    }
    return nullptr;
  }

  void give_back(const std::string& key, std::unique_ptr<beast::tcp_stream> stream) {
    stream->expires_never();
    std::lock_guard lock(mu);
    auto& q = idle[key];
    if (q.size() >= options.max_idle_per_endpoint) q.pop_front();
    q.push_back({std::move(stream), Clock::now()});
  }

  // A pooled connection the upstream closed shows up as readable (EOF); so would one
  // with unexpected bytes. Either way it cannot carry the next request.
  static bool still_open(beast::tcp_stream& stream) {
    pollfd pfd{stream.socket().native_handle(), POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 0;
  }
};

namespace {

using ResponseParser = bhttp::response_parser<bhttp::buffer_body>;

// The body of an upstream response; returns the connection to the pool when complete.
class UpstreamBodyReader final : public BodyReader {
 public:
  UpstreamBodyReader(std::shared_ptr<UpstreamPool::Impl> pool, std::string key,
                     std::unique_ptr<beast::tcp_stream> stream, beast::flat_buffer buffer,
                     std::unique_ptr<ResponseParser> parser)
      : pool_(std::move(pool)),
        key_(std::move(key)),
        stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        parser_(std::move(parser)) {
    keep_alive_ = parser_->get().keep_alive();
    maybe_release();
  }

  asio::awaitable<Result<size_t>> read(std::span<char> out) override {
    if (failed_) co_return unavailable("upstream body already failed");
    if (parser_->is_done()) {
      maybe_release();
      co_return size_t{0};
    }
    while (true) {
      auto& body = parser_->get().body();
      body.data = out.data();
      body.size = out.size();
      boost::system::error_code ec;
      stream_->expires_after(pool_->options.io_timeout);
      co_await bhttp::async_read_some(*stream_, buffer_, *parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      size_t n = out.size() - body.size;
      body.data = nullptr;
      body.size = 0;
      if (ec) {
        failed_ = true;
        co_return detail::body_read_error(ec, "upstream");
      }
      consumed_ += n;
      if (limit_ && consumed_ > *limit_) {
        failed_ = true;
        co_return Error(Code::kPayloadTooLarge, "upstream body over the limit");
      }
      if (parser_->is_done()) maybe_release();
      if (n > 0 || parser_->is_done()) co_return n;
    }
  }

  std::optional<uint64_t> content_length() const override {
    if (parser_->chunked()) return std::nullopt;
    auto cl = parser_->content_length();
    if (cl) return *cl;
    if (parser_->is_done()) return uint64_t{0};
    return std::nullopt;
  }
  bool done() const override { return parser_->is_done(); }
  uint64_t consumed() const override { return consumed_; }
  void limit(uint64_t max_bytes) override { limit_ = max_bytes; }

 private:
  void maybe_release() {
    if (stream_ && parser_->is_done() && keep_alive_ && buffer_.size() == 0 && !failed_) {
      pool_->give_back(key_, std::move(stream_));
      stream_.reset();
    }
  }

  std::shared_ptr<UpstreamPool::Impl> pool_;
  std::string key_;
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::unique_ptr<ResponseParser> parser_;
  bool keep_alive_ = false;
  bool failed_ = false;
  uint64_t consumed_ = 0;
  std::optional<uint64_t> limit_;
};

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS" || method == "TRACE";
}

ForwardResult failure(Error error, bool sent, bool client_body = false) {
  ForwardResult r;
  r.response = std::move(error);
  r.request_sent = sent;
  r.client_body_failed = client_body;
  return r;
}

}  // namespace

UpstreamPool::UpstreamPool(asio::any_io_executor executor, UpstreamOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->options = std::move(options);
}

UpstreamPool::~UpstreamPool() = default;

size_t UpstreamPool::idle_connections() const {
  std::lock_guard lock(impl_->mu);
  size_t n = 0;
  for (const auto& [_, q] : impl_->idle) n += q.size();
  return n;
}

void UpstreamPool::forget(const std::string& host, uint16_t port) {
  std::lock_guard lock(impl_->mu);
  impl_->idle.erase(host + ":" + std::to_string(port));
}

asio::awaitable<ForwardResult> UpstreamPool::forward(
    std::string host, uint16_t port, ForwardRequest& request,
    std::optional<std::chrono::milliseconds> timeout) {
  auto impl = impl_;  // the pool outlives this call even if the owner drops it
  const UpstreamOptions& opt = impl->options;
  const std::string key = host + ":" + std::to_string(port);
  const bool has_body = request.body != nullptr && !request.body->done();
  const bool body_length_known = request.body && request.body->content_length().has_value();

  for (int attempt = 0; attempt < 2; ++attempt) {
    boost::system::error_code ec;
    std::unique_ptr<beast::tcp_stream> stream = attempt == 0 ? impl->take(key) : nullptr;
    const bool reused = stream != nullptr;
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(impl->executor);
      tcp::endpoint endpoint;
      auto address = asio::ip::make_address(host, ec);
      if (!ec) {
        endpoint = tcp::endpoint(address, port);
      } else {
        tcp::resolver resolver(impl->executor);
        std::string port_text = std::to_string(port);
        auto results = co_await resolver.async_resolve(
            host, port_text, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || results.empty()) {
          co_return failure(unavailable("cannot resolve " + host + ": " + ec.message()), false);
        }
        endpoint = *results.begin();
      }
      stream->expires_after(request.connect_timeout.value_or(opt.connect_timeout));
      co_await stream->async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == beast::error::timeout) {
        co_return failure(deadline_exceeded("connect to " + key + " timed out"), false);
      }
      if (ec) co_return failure(unavailable("connect to " + key + ": " + ec.message()), false);
      stream->socket().set_option(tcp::no_delay(true), ec);
    }

    bhttp::request<bhttp::buffer_body> out;
    out.method_string(request.method);
    out.target(request.target);
    out.version(11);
    for (const auto& [name, value] : request.headers) {
      if (!detail::is_framing_field(name)) out.insert(name, value);
    }
    if (has_body) {
      if (body_length_known) {
        out.content_length(*request.body->content_length());
      } else {
        out.chunked(true);
      }
    } else if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      out.content_length(0);
    }
    out.keep_alive(true);
    out.body().data = nullptr;
    out.body().size = 0;
    out.body().more = has_body;
    bhttp::request_serializer<bhttp::buffer_body> sr(out);
    stream->expires_after(opt.io_timeout);
    co_await bhttp::async_write_header(*stream, sr, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (reused) continue;  // a stale pooled connection: nothing usable was sent
      co_return failure(unavailable("sending request to " + key + ": " + ec.message()), true);
    }
    if (has_body) {
      auto chunk = std::make_unique_for_overwrite<char[]>(opt.chunk_bytes);  // no memset
      while (true) {
        auto n = co_await request.body->read(std::span<char>(chunk.get(), opt.chunk_bytes));
        if (!n.ok()) co_return failure(n.error(), true, true);
        if (*n == 0) break;
        out.body().data = chunk.get();
        out.body().size = *n;
        out.body().more = true;
        stream->expires_after(opt.io_timeout);
        co_await bhttp::async_write(*stream, sr, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec) {
          co_return failure(unavailable("sending body to " + key + ": " + ec.message()), true);
        }
      }
      out.body().data = nullptr;
      out.body().size = 0;
      out.body().more = false;
      stream->expires_after(opt.io_timeout);
      co_await bhttp::async_write(*stream, sr, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        co_return failure(unavailable("sending body to " + key + ": " + ec.message()), true);
      }
    }

    beast::flat_buffer buffer;
    auto parser = std::make_unique<ResponseParser>();
    parser->header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser->body_limit(boost::none);
    if (request.method == "HEAD") parser->skip(true);
    stream->expires_after(timeout.value_or(opt.response_timeout));
    co_await bhttp::async_read_header(*stream, buffer, *parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    // Interim 1xx answers (100 Continue, 103 Early Hints) are not forwarded.
    while (!ec && parser->get().result_int() / 100 == 1 && parser->get().result_int() != 101) {
      parser = std::make_unique<ResponseParser>();
      parser->header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
      parser->body_limit(boost::none);
      if (request.method == "HEAD") parser->skip(true);
      co_await bhttp::async_read_header(*stream, buffer, *parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec == beast::error::timeout) {
      co_return failure(deadline_exceeded("no response from " + key + " in time"), true);
    }
    if (ec) {
      bool nothing_back = buffer.size() == 0 &&
                          (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                           ec == asio::error::connection_reset);
      // A keep-alive connection the upstream closed just as we reused it: safe to resend
      // when the request had no body and is idempotent (nginx's rule).
      if (reused && nothing_back && !has_body && idempotent(request.method)) continue;
      co_return failure(unavailable("bad response from " + key + ": " + ec.message()), true);
    }
    UpstreamResponse response;
    response.status = parser->get().result_int();
    for (const auto& field : parser->get()) {
      response.headers.add(field.name_string(), field.value());
    }
    response.reused_connection = reused;
    if (parser->is_done()) {
      // No body follows (HEAD, 204, 304, or Content-Length: 0); a HEAD or 304 answer still
      // announces the length the body would have.
      response.content_length = 0;
      auto cl = parser->get()[bhttp::field::content_length];
      uint64_t v = 0;
      if (!cl.empty() && std::sscanf(std::string(cl).c_str(), "%lu", &v) == 1) {
        response.content_length = v;
      }
    } else if (!parser->chunked() && parser->content_length()) {
      response.content_length = *parser->content_length();
    }
    response.body = std::make_unique<UpstreamBodyReader>(impl, key, std::move(stream),
                                                         std::move(buffer), std::move(parser));
    ForwardResult result;
    result.request_sent = true;
    result.response = std::move(response);
    co_return result;
  }
  co_return failure(unavailable("upstream " + key + " closed the connection"), true);
}

}  // namespace dts::http
