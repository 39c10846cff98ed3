#pragma once
// Test-only: runs a PDP on 127.0.0.1:<free port> over a temporary bundle directory and
// speaks plain HTTP/1.1 to it through a blocking loopback socket (real requests, no mocks).

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "common/http/testing/raw_socket.hpp"
#include "common/http/testing/test_server.hpp"
#include "policy/pdp/service.hpp"

namespace dts::policy::pdp::testing {

namespace fs = std::filesystem;

struct Reply {
  int status = 0;
  std::string body;
  boost::json::value json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
};

inline Reply call(uint16_t port, const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& extra_headers = "") {
  http::testing::RawSocket socket(port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Content-Type: application/json\r\nConnection: close\r\n" + extra_headers +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  Reply r;
  if (!socket.send(req)) {
    return r;
  }
  std::string raw = socket.read_responses(1);
  r.status = http::testing::first_status(raw);
  auto split = raw.find("\r\n\r\n");
  if (split != std::string::npos) {
    r.body = raw.substr(split + 4);
  }
  return r;
}

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("dts-pdp-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  // Writes atomically (temp file + rename), as deploy tools do, so the poller never reads
  // half a file.
  void write(const std::string& rel, const std::string& text) const {
    fs::path target = path_ / rel;
    fs::create_directories(target.parent_path());
    fs::path tmp = path_ / (".tmp-" + std::to_string(counter_++));
    {
      std::ofstream out(tmp, std::ios::binary);
      out << text;
    }
    fs::rename(tmp, target);
  }

 private:
  fs::path path_;
  mutable int counter_ = 0;
};

class Harness {
 public:
  explicit Harness(const std::string& bundle_dir, Config config = test_config()) {
    config.bundle_dir = bundle_dir;
    http::ServerOptions options = http::testing::TestServer::small_options();
    options.max_body_bytes = 256 * 1024;
    options.max_header_bytes = 16 * 1024;
    server_ = std::make_unique<http::testing::TestServer>(options);
    pdp_ = std::make_unique<Pdp>(config, server_->server(), server_->metrics());
    pdp_->start();
    port_ = server_->start();
  }
  ~Harness() {
    server_->stop_and_join();  // handlers reference the Pdp: stop them first
    pdp_.reset();
  }

  static Config test_config() {
    Config c;
    c.bundle_poll = std::chrono::milliseconds(100);
    c.max_input_bytes = 8 * 1024;
    return c;
  }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& headers = "") const {
    return testing::call(port_, method, target, body, headers);
  }
  uint16_t port() const { return port_; }
  Pdp& pdp() { return *pdp_; }
  metrics::Registry& metrics() { return server_->metrics(); }

 private:
  std::unique_ptr<http::testing::TestServer> server_;
  std::unique_ptr<Pdp> pdp_;
  uint16_t port_ = 0;
};

}  // namespace dts::policy::pdp::testing
