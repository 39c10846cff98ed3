#pragma once
// Beast-backed BodyReader/ResponseWriter for a server connection (session.cpp) and the
// shared framing helpers of the upstream client (upstream.cpp). Internal to src/common.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/http/stream.hpp"

namespace dts::http::detail {

using StreamRequestParser =
    boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// Maps a Beast/Asio read error to the BodyReader error contract.
Error body_read_error(const boost::system::error_code& ec, std::string_view who);

// The body of a request received by the server, read on demand.
class SessionBodyReader final : public BodyReader {
 public:
  SessionBodyReader(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                    StreamRequestParser& parser, std::chrono::milliseconds timeout,
                    bool expect_continue);

  boost::asio::awaitable<Result<size_t>> read(std::span<char> out) override;
  std::optional<uint64_t> content_length() const override;
  bool done() const override;
  uint64_t consumed() const override { return consumed_; }
  void limit(uint64_t max_bytes) override { limit_ = max_bytes; }
  bool failed() const { return failed_; }

 private:
  boost::beast::tcp_stream& stream_;
  boost::beast::flat_buffer& buffer_;
  StreamRequestParser& parser_;
  std::chrono::milliseconds timeout_;
  bool expect_continue_;
  bool continue_sent_ = false;
  bool failed_ = false;
  uint64_t consumed_ = 0;
  std::optional<uint64_t> limit_;
};

// Writes a streamed response on a server connection.
class SessionResponseWriter final : public ResponseWriter {
 public:
  // `keep_alive` is asked once, when the head is written (the connection's fate must be
  // announced in the head). `head_only`: HEAD request, the body is never sent.
  SessionResponseWriter(boost::beast::tcp_stream& stream, unsigned version, bool head_only,
                        std::string request_id, std::chrono::milliseconds timeout,
                        std::function<bool()> keep_alive);

  boost::asio::awaitable<Status> write_head(unsigned status, const Headers& headers,
                                            std::optional<uint64_t> content_length) override;
  boost::asio::awaitable<Status> write(std::string_view chunk) override;
  boost::asio::awaitable<Status> finish() override;
  bool head_written() const override { return head_written_; }

  bool finished_ok() const { return finished_ && !failed_; }
  bool keep_alive() const { return keep_alive_; }
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  boost::beast::tcp_stream& stream_;
  unsigned version_;
  bool head_only_;
  std::string request_id_;
  std::chrono::milliseconds timeout_;
  std::function<bool()> keep_alive_fn_;
  boost::beast::http::response<boost::beast::http::buffer_body> res_;
  std::unique_ptr<boost::beast::http::response_serializer<boost::beast::http::buffer_body>> sr_;
  bool head_written_ = false;
  bool no_body_ = false;
  bool finished_ = false;
  bool failed_ = false;
  bool keep_alive_ = false;
  uint64_t bytes_out_ = 0;
};

// Header fields the stream primitives set themselves (framing, connection management).
bool is_framing_field(std::string_view name);

}  // namespace dts::http::detail
