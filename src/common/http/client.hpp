#pragma once
// HTTP/1.1 client for service-to-service calls (plain HTTP inside the private network).
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
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http://host:port/path?query
  Headers headers;
  std::string body;
  std::optional<std::chrono::milliseconds> timeout;  // overrides request_timeout
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~Client();

  // Errors: kInvalidArgument (bad URL), kUnavailable (connect/IO failure after retries),
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
