#pragma once
// A small HTTPS server for tests: Asio + OpenSSL on 127.0.0.1:<free port>, presenting a
// certificate from test_pki.hpp, answering each request with a handler, on its own thread.
// Knobs make it misbehave the ways a client must survive (slow responses, a stalled
// handshake).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "common/http/message.hpp"
#include "common/http/testing/test_pki.hpp"

namespace dts::http::testing {

class TlsTestServer {
 public:
  // Called on the server thread with method, target, headers and body filled in.
  using Handler = std::function<Response(const Request&)>;

  TlsTestServer(const IssuedCert& cert, Handler handler);
  ~TlsTestServer();  // stops and joins
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  uint16_t port() const { return port_; }
  // https://<host>:<port><path>; host "localhost" exercises DNS-name verification.
  std::string url(std::string_view path, std::string_view host = "127.0.0.1") const;

  // Each response waits this long before it is written.
  void set_response_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  // How long a kept-alive connection may idle before the server closes it (default 5 s).
  void set_idle_timeout(std::chrono::milliseconds idle) { idle_ms_ = idle.count(); }
  // Accept TCP connections but never answer the TLS handshake.
  void set_stall_handshake(bool stall) { stall_ = stall; }

  int connections() const { return connections_.load(); }  // TCP accepts
  int failed_handshakes() const { return failed_handshakes_.load(); }
  int requests() const { return requests_.load(); }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<long> delay_ms_{0};
  std::atomic<long> idle_ms_{5000};
  std::atomic<bool> stall_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> failed_handshakes_{0};
  std::atomic<int> requests_{0};
};

}  // namespace dts::http::testing
