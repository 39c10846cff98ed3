#include "common/http/testing/test_server.hpp"

#include <cstdlib>
#include <iostream>

namespace dts::http::testing {

ServerOptions TestServer::small_options() {
  ServerOptions o;
  o.threads = 2;
  o.max_header_bytes = 4096;
  o.max_header_count = 20;
  o.max_body_bytes = 1024;
  o.header_timeout = std::chrono::milliseconds(500);
  o.idle_timeout = std::chrono::milliseconds(2000);
  o.shutdown_grace = std::chrono::milliseconds(3000);
  return o;
}

TestServer::TestServer(ServerOptions options)
    : server_(std::make_unique<Server>("test", std::move(options), metrics_)) {}

TestServer::~TestServer() { stop_and_join(); }

uint16_t TestServer::start() {
  auto port = server_->listen();
  if (!port.ok()) {
    std::cerr << "TestServer: " << port.error().to_string() << "\n";
    std::abort();
  }
  port_ = *port;
  thread_ = std::thread([this] { server_->run(); });
  return port_;
}

void TestServer::stop_and_join() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string TestServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

}  // namespace dts::http::testing
