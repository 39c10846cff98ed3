#pragma once
// Blocking loopback socket helpers for HTTP tests: send exact bytes (malformed requests,
// pipelines, slow clients) and read what the server answers.

#include <chrono>
#include <cstdint>
#include <string>

namespace dts::http::testing {

class RawSocket {
 public:
  explicit RawSocket(uint16_t port);  // connects to 127.0.0.1:port; aborts on failure
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool send(const std::string& bytes);
  // Reads until `n` complete responses (Content-Length framed) arrived, EOF, or timeout.
  std::string read_responses(int n, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until the peer closes or timeout; returns everything read.
  std::string read_until_close(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if the peer closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  bool recv_some(std::string& out, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string pending_;
};

// Counts "HTTP/1.1 " status lines in a response stream.
int count_responses(const std::string& stream);
// Status code of the first response in `stream`, 0 if none.
int first_status(const std::string& stream);

}  // namespace dts::http::testing
