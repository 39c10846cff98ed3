// Streaming request bodies and responses on a server connection (see stream.hpp).

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/http/detail/stream_io.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace dts::http::detail {

bool is_framing_field(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection") || iequals(name, "Keep-Alive");
}

Error body_read_error(const boost::system::error_code& ec, std::string_view who) {
  std::string w(who);
  if (ec == bhttp::error::body_limit) {
    return Error(Code::kPayloadTooLarge, w + " body over the limit");
  }
  if (ec == beast::error::timeout) return deadline_exceeded(w + " body not received in time");
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == bhttp::error::partial_message || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted) {
    return Error(Code::kCancelled, w + " closed the connection mid-body");
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category()) {
    return invalid_argument(w + " body: " + ec.message());
  }
  return unavailable(w + " body: " + ec.message());
}

SessionBodyReader::SessionBodyReader(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                     StreamRequestParser& parser,
                                     std::chrono::milliseconds timeout, bool expect_continue)
    : stream_(stream),
      buffer_(buffer),
      parser_(parser),
      timeout_(timeout),
      expect_continue_(expect_continue) {}

std::optional<uint64_t> SessionBodyReader::content_length() const {
  if (parser_.chunked()) return std::nullopt;
  auto cl = parser_.content_length();
  if (cl) return *cl;
  return uint64_t{0};  // a request without framing has no body (RFC 9112 §6.3)
}

bool SessionBodyReader::done() const { return parser_.is_done(); }

asio::awaitable<Result<size_t>> SessionBodyReader::read(std::span<char> out) {
  if (failed_) co_return unavailable("request body already failed");
  if (parser_.is_done()) co_return size_t{0};
  if (limit_) {
    auto cl = parser_.content_length();
    if (!parser_.chunked() && cl && *cl > *limit_) {
      failed_ = true;
      co_return Error(Code::kPayloadTooLarge,
                      "request body larger than " + std::to_string(*limit_) + " bytes");
    }
  }
  boost::system::error_code ec;
  if (expect_continue_ && !continue_sent_) {
    continue_sent_ = true;
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    stream_.expires_after(timeout_);
    co_await bhttp::async_write(stream_, cont, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      failed_ = true;
      co_return body_read_error(ec, "client");
    }
  }
  while (true) {
    auto& body = parser_.get().body();
    body.data = out.data();
    body.size = out.size();
    stream_.expires_after(timeout_);
    co_await bhttp::async_read_some(stream_, buffer_, parser_,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::need_buffer) ec = {};
    size_t n = out.size() - body.size;
    body.data = nullptr;
    body.size = 0;
    if (ec) {
      failed_ = true;
      co_return body_read_error(ec, "client");
    }
    consumed_ += n;
    if (limit_ && consumed_ > *limit_) {
      failed_ = true;
      co_return Error(Code::kPayloadTooLarge,
                      "request body larger than " + std::to_string(*limit_) + " bytes");
    }
    if (n > 0 || parser_.is_done()) co_return n;
  }
}

SessionResponseWriter::SessionResponseWriter(beast::tcp_stream& stream, unsigned version,
                                             bool head_only, std::string request_id,
                                             std::chrono::milliseconds timeout,
                                             std::function<bool()> keep_alive)
    : stream_(stream),
      version_(version == 10 ? 10 : 11),
      head_only_(head_only),
      request_id_(std::move(request_id)),
      timeout_(timeout),
      keep_alive_fn_(std::move(keep_alive)) {}

asio::awaitable<Status> SessionResponseWriter::write_head(unsigned status, const Headers& headers,
                                                          std::optional<uint64_t> length) {
  if (head_written_) co_return internal_error("response head written twice");
  head_written_ = true;
  res_.version(version_);
  res_.result(status);
  res_.reason(reason_phrase(status));
  for (const auto& [name, value] : headers) {
    if (!is_framing_field(name)) res_.insert(name, value);
  }
  if (!request_id_.empty()) res_.set("X-Request-Id", request_id_);
  keep_alive_ = keep_alive_fn_ ? keep_alive_fn_() : false;
  no_body_ = head_only_ || status < 200 || status == 204 || status == 304;
  if (no_body_) {
    if (length && status != 204 && status >= 200) {
      res_.set(bhttp::field::content_length, std::to_string(*length));
    }
  } else if (length) {
    res_.content_length(*length);
  } else if (version_ == 10) {
    keep_alive_ = false;  // HTTP/1.0 has no chunked coding: the body ends at close
  } else {
    res_.chunked(true);
  }
  res_.keep_alive(keep_alive_);
  res_.body().data = nullptr;
  res_.body().size = 0;
  res_.body().more = !no_body_;
  sr_ = std::make_unique<bhttp::response_serializer<bhttp::buffer_body>>(res_);
  // The head goes out with the first body bytes (or at finish): one write instead of two,
  // so a small answer is one segment and never waits on Nagle + delayed ACK.
  co_return ok_status();
}

asio::awaitable<Status> SessionResponseWriter::write(std::string_view chunk) {
  if (!head_written_ || finished_ || failed_) co_return internal_error("response not writable");
  if (no_body_ || chunk.empty()) co_return ok_status();
  auto& body = res_.body();
  body.data = const_cast<char*>(chunk.data());
  body.size = chunk.size();
  body.more = true;
  boost::system::error_code ec;
  stream_.expires_after(timeout_);
  co_await bhttp::async_write(stream_, *sr_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == bhttp::error::need_buffer) ec = {};
  if (ec) {
    failed_ = true;
    co_return unavailable("writing response body: " + ec.message());
  }
  bytes_out_ += chunk.size();
  co_return ok_status();
}

asio::awaitable<Status> SessionResponseWriter::finish() {
  if (!head_written_ || failed_) co_return internal_error("response not writable");
  if (finished_) co_return ok_status();
  finished_ = true;
  boost::system::error_code ec;
  stream_.expires_after(timeout_);
  if (no_body_) {
    if (!sr_->is_header_done()) {
      co_await bhttp::async_write_header(stream_, *sr_,
                                         asio::redirect_error(asio::use_awaitable, ec));
    }
  } else {
    auto& body = res_.body();
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    co_await bhttp::async_write(stream_, *sr_, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    failed_ = true;
    co_return unavailable("finishing response: " + ec.message());
  }
  co_return ok_status();
}

}  // namespace dts::http::detail
