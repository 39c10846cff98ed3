#pragma once
// Streaming HTTP/1.1 client for a reverse proxy: forwards one request (its body pulled
// from a BodyReader, so nothing is buffered whole) to host:port and returns the response
// head with a BodyReader for its body. Connections are kept alive and pooled per
// endpoint; a pooled connection the upstream closed meanwhile is detected and replaced
// before the request is lost (retried once on a fresh connection while no body byte
// was consumed).
//
// Thread-safety: one UpstreamPool may be shared by every thread of an io_context. A
// response's BodyReader belongs to the coroutine that received it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/http/message.hpp"
#include "common/http/stream.hpp"
#include "common/result.hpp"

namespace dts::http {

struct UpstreamOptions {
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds response_timeout{30'000};  // request sent -> response head
  std::chrono::milliseconds io_timeout{30'000};        // each body read or write
  std::chrono::milliseconds idle_ttl{20'000};          // pooled connections older are closed
  size_t max_idle_per_endpoint = 64;
  size_t max_header_bytes = 64 * 1024;
  size_t chunk_bytes = 64 * 1024;                      // request body relay buffer
};

struct ForwardRequest {
  std::string method = "GET";
  std::string target = "/";  // origin-form: path?query
  unsigned version = 11;
  Headers headers;           // end-to-end fields only; framing is set from `body`
  BodyReader* body = nullptr;  // nullptr: no body
  std::optional<std::chrono::milliseconds> connect_timeout;  // overrides the pool's
};

struct UpstreamResponse {
  unsigned status = 0;
  Headers headers;                        // as received (hop-by-hop included)
  std::optional<uint64_t> content_length; // nullopt: chunked or until close
  std::unique_ptr<BodyReader> body;       // always set; done() at once when there is none
  bool reused_connection = false;
};

struct ForwardResult {
  // Errors: kUnavailable (connect refused, reset, bad response), kDeadlineExceeded
  // (connect/response timeout), the request body's own errors (kPayloadTooLarge,
  // kCancelled, kInvalidArgument) when reading the client's body failed.
  Result<UpstreamResponse> response = Error(Code::kInternal, "not attempted");
  // False when the upstream received nothing (connect failed): any method may be retried
  // on another target.
  bool request_sent = false;
  // True when the client's body (not the upstream) failed.
  bool client_body_failed = false;
};

class UpstreamPool {
 public:
  UpstreamPool(boost::asio::any_io_executor executor, UpstreamOptions options = {});
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // `host` is an IP literal or a name; `timeout` overrides response_timeout when set.
  boost::asio::awaitable<ForwardResult> forward(
      std::string host, uint16_t port, ForwardRequest& request,
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  size_t idle_connections() const;
  // Drops pooled connections to host:port (a deregistered target).
  void forget(const std::string& host, uint16_t port);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace dts::http
