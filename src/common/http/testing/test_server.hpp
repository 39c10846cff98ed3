#pragma once
// Runs a Server on 127.0.0.1:<free port> in background threads for the duration of a test.

#include <memory>
#include <thread>

#include "common/http/server.hpp"
#include "common/metrics.hpp"

namespace dts::http::testing {

class TestServer {
 public:
  explicit TestServer(ServerOptions options = small_options());
  ~TestServer();  // stops gracefully and joins

  Server& server() { return *server_; }
  Router& router() { return server_->router(); }
  metrics::Registry& metrics() { return metrics_; }
  // Starts listening and serving; call after routes are added.
  uint16_t start();
  void stop_and_join();
  std::string url(std::string_view path) const;

  static ServerOptions small_options();

 private:
  metrics::Registry metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace dts::http::testing
