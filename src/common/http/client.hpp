#pragma once
// HTTP/1.1 client for service-to-service calls (plain HTTP inside the private network) and
// for HTTPS endpoints outside it (e.g. a Cognito user pool's JWKS). https:// URLs use TLS 1.2+
// with certificate and host name verification that cannot be switched off: see tls.hpp.
//
// Keeps a pool of idle keep-alive connections per host:port. Idempotent requests
// (GET, HEAD, PUT, DELETE, OPTIONS) are retried on a fresh connection when the connection
// fails before a response arrives; any request is retried when the connection could not be
// made at all (nothing was sent). Every call has a deadline.
//
// Thread-safety: one Client may be shared by all threads of an io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds request_timeout{10'000};
  size_t max_idle_per_host = 32;
  int max_retries = 2;
  size_t max_response_bytes = 16 * 1024 * 1024;
  std::string user_agent = "dts";
  // https:// only: a PEM file of extra trusted CA certificates (a private CA), trusted in
  // addition to the system store. Check it at start-up with http::check_ca_file (tls.hpp);
  // if it is unusable, every https:// request fails with kInvalidArgument.
  std::string ca_file;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http://host:port/path?query or https://...
  Headers headers;
  std::string body;
  std::optional<std::chrono::milliseconds> timeout;  // overrides request_timeout
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~Client();

  // Errors: kInvalidArgument (bad URL, unusable ca_file), kUnavailable (connect/IO failure
  // after retries; a refused TLS certificate, not retried),
  // kDeadlineExceeded (timeout), kPayloadTooLarge (response over the limit).
  // Any HTTP status, including 4xx/5xx, is a successful Result.
  boost::asio::awaitable<Result<Response>> request(ClientRequest request);

  boost::asio::awaitable<Result<Response>> get(std::string url);
  boost::asio::awaitable<Result<Response>> post(std::string url, std::string body,
                                                std::string content_type = "application/json");

  // Idle connections currently pooled (tests, metrics).
  size_t idle_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace dts::http
