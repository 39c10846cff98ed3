#pragma once
// Streaming HTTP bodies without Beast types (design.md §3: Beast stays in src/common).
//
// A server built with a StreamHandler hands each request to it right after the header
// block: the body has not been read yet. The handler pulls the body through BodyReader
// in bounded chunks and either returns a whole Response (written by the session) or
// streams its own answer through ResponseWriter. This is what a reverse proxy needs:
// a 64 MiB upload passes through a 64 KiB buffer, never held whole.
//
// Thread-safety: both objects belong to one connection's coroutine; use them only from it.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::http {

// Pull side of a message body (a client's request body, or an upstream's response body).
class BodyReader {
 public:
  virtual ~BodyReader() = default;

  // Reads up to out.size() bytes; 0 means the body is complete.
  // Errors: kPayloadTooLarge (over the limit), kDeadlineExceeded (peer too slow),
  // kInvalidArgument (bad chunked framing), kCancelled (peer closed mid-body),
  // kUnavailable (other I/O failure).
  virtual boost::asio::awaitable<Result<size_t>> read(std::span<char> out) = 0;

  // The declared length (Content-Length), or nullopt for chunked / read-to-close bodies.
  virtual std::optional<uint64_t> content_length() const = 0;
  // True once the whole body has been read (an empty body is done from the start).
  virtual bool done() const = 0;
  // Bytes handed out so far.
  virtual uint64_t consumed() const = 0;
  // Lowers the body limit for this message (per-route limits); bytes past it fail with
  // kPayloadTooLarge. Call before the first read.
  virtual void limit(uint64_t max_bytes) = 0;
};

// Push side of a streamed response.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // Writes the status line and headers. With `content_length` the body must be exactly
  // that long; without it the body is sent chunked. Hop-by-hop fields in `headers` are the
  // caller's business; Connection and framing fields are set here.
  virtual boost::asio::awaitable<Status> write_head(unsigned status, const Headers& headers,
                                                    std::optional<uint64_t> content_length) = 0;
  virtual boost::asio::awaitable<Status> write(std::string_view chunk) = 0;
  // Ends the body (the last chunk for chunked bodies).
  virtual boost::asio::awaitable<Status> finish() = 0;
  virtual bool head_written() const = 0;
};

// What a stream handler did: `response` set = the session writes it (the handler must not
// have touched the writer); unset = the handler streamed through the writer and finished.
struct StreamOutcome {
  std::optional<Response> response;
  unsigned status = 0;  // the streamed status, for logs and metrics
  uint64_t bytes_out = 0;
  bool close_connection = false;   // e.g. after a framing error: the stream is not trusted
  boost::json::object log_fields;  // merged into the access log line (target, principal...)
};

// Called once per request after the header block. `head.body` is empty; `head.route` may
// be set by the handler (it labels the metrics). Runs on the connection's strand.
using StreamHandler = std::function<boost::asio::awaitable<StreamOutcome>(
    Request& head, BodyReader& body, ResponseWriter& out)>;

}  // namespace dts::http
