// `dts gateway` as a process: start-up from a config file, forwarding to a real upstream,
// reload on SIGHUP and on file change, a broken reload keeping the old rules, the admin
// API behind its token, metrics on the admin listener, a bad file stopping start-up with
// the field named, and a graceful SIGTERM.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/child_process.hpp"
#include "gateway/testing/harness.hpp"
#include "loopback.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace dts::gateway {
namespace {

using testing::Reply;
using testing::send;
using testing::Upstream;

using dts::e2e::accepts;
using dts::e2e::free_port;

class GatewayProcess {
 public:
  GatewayProcess(const fs::path& config, uint16_t port, uint16_t admin_port,
                 std::string token = "e2e-token") {
    cli::ChildSpec spec;
    spec.program = DTS_BINARY;
    spec.args = {"gateway"};
    spec.env = {{"PATH", "/usr/bin:/bin"},
                {"PORT", std::to_string(port)},
                {"GATEWAY_ADMIN_PORT", std::to_string(admin_port)},
                {"GATEWAY_ADMIN_TOKEN", token},
                {"GATEWAY_CONFIG", config.string()},
                {"GATEWAY_CONFIG_POLL", "100ms"},
                {"GATEWAY_WEB_ROOT", config.parent_path().string()},
                {"HTTP_THREADS", "2"},
                {"POLICY_BUNDLE", std::string(DTS_SOURCE_DIR) + "/policies"},
                {"SHUTDOWN_GRACE", "2s"}};
    auto child = cli::ChildProcess::spawn(spec);
    EXPECT_TRUE(child.ok());
    process_.emplace(std::move(child).value());
  }
  ~GatewayProcess() {
    if (process_ && !process_->exited()) {
      process_->signal(SIGKILL);
      for (int i = 0; i < 100 && !process_->try_wait(); ++i) std::this_thread::sleep_for(10ms);
    }
  }
  // Both listeners up: the first "listening" line may be the admin listener's, logged just
  // before the public one binds.
  bool wait_listening(uint16_t port, uint16_t admin_port) {
    if (!wait_for("\"listening\"")) return false;
    for (int i = 0; i < 500; ++i) {
      if (accepts(port) && accepts(admin_port)) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto lines = process_->read_lines();
      if (!lines) return log_.find(text) != std::string::npos;
      for (const auto& l : *lines) log_ += l + "\n";
      if (log_.find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto lines = process_->read_lines()) {
        for (const auto& l : *lines) log_ += l + "\n";
      }
      if (auto st = process_->try_wait()) {
        while (auto lines = process_->read_lines()) {
          if (lines->empty()) break;
          for (const auto& l : *lines) log_ += l + "\n";
        }
        return WIFEXITED(*st) ? WEXITSTATUS(*st) : 128 + WTERMSIG(*st);
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }
  void signal(int s) { process_->signal(s); }
  const std::string& log() const { return log_; }

 private:
  std::optional<cli::ChildProcess> process_;
  std::string log_;
};

class GatewayE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dts-gw-e2e-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "index.html") << "<title>spa</title>";
    a_.start();
    b_.start();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write_config(const std::string& group_target, const std::string& extra = "") {
    std::ofstream out(dir_ / "gateway.yaml.tmp");
    out << "target_groups:\n  - name: g\n    targets: [\"" << group_target
        << "\"]\n    health_check: {path: /health, interval: 100ms, timeout: 50ms, "
           "healthy_threshold: 1}\n"
        << "rules:\n  - {name: api, match: {path: {prefix: /api}}, strip_prefix: /api, "
           "action: {forward: g}}\n"
        << extra << "default_action: {static: {}}\n";
    out.close();
    fs::rename(dir_ / "gateway.yaml.tmp", dir_ / "gateway.yaml");  // atomic, like editors
  }
  Reply get_until(uint16_t port, const std::string& path, const std::string& body) {
    Reply r;
    for (int i = 0; i < 100; ++i) {
      r = send(port, "GET", path);
      if (r.status == 200 && r.body == body) break;
      std::this_thread::sleep_for(50ms);
    }
    return r;
  }
  fs::path dir_;
  Upstream a_{"a"}, b_{"b"};
};

TEST_F(GatewayE2E, ServesReloadsAndStops) {
  write_config(a_.address());
  uint16_t port = free_port(), admin = free_port();
  GatewayProcess gw(dir_ / "gateway.yaml", port, admin);
  ASSERT_TRUE(gw.wait_listening(port, admin)) << gw.log();
  Reply r = get_until(port, "/api/status/200", "a");
  EXPECT_EQ(r.status, 200) << r.head << gw.log();
  EXPECT_EQ(r.body, "a");
  Reply spa = send(port, "GET", "/some/client/route");
  EXPECT_EQ(spa.status, 200);
  EXPECT_NE(spa.body.find("spa"), std::string::npos);

  // File change -> reload (the poller notices within 100 ms).
  write_config(b_.address());
  EXPECT_EQ(get_until(port, "/api/status/200", "b").body, "b") << gw.log();
  // A broken edit keeps the running rules and says why, naming the field.
  {
    std::ofstream(dir_ / "gateway.yaml") << "rules: [{name: x, action: {forward: nope}}]\n";
  }
  ASSERT_TRUE(gw.wait_for("rules[0].action.forward[0].group")) << gw.log();
  EXPECT_EQ(send(port, "GET", "/api/status/200").body, "b");
  // SIGHUP -> reload.
  write_config(a_.address(), "  - {name: teapot, match: {path: /tea}, action: "
                             "{fixed_response: {status: 418}}}\n");
  gw.signal(SIGHUP);
  EXPECT_EQ(get_until(port, "/api/status/200", "a").body, "a");
  EXPECT_EQ(send(port, "GET", "/tea").status, 418);

  // Admin API and metrics on the admin listener only.
  EXPECT_EQ(send(admin, "GET", "/admin/target-groups").status, 401);
  Reply groups = send(admin, "GET", "/admin/target-groups", "Authorization: Bearer e2e-token\r\n");
  EXPECT_EQ(groups.status, 200);
  EXPECT_NE(groups.body.find(a_.address()), std::string::npos) << groups.body;
  Reply metrics = send(admin, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("gateway_requests_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("gateway_target_healthy"), std::string::npos);
  EXPECT_EQ(send(port, "GET", "/metrics").status, 200);  // public /metrics is the SPA, not metrics
  EXPECT_EQ(send(port, "GET", "/metrics").body.find("gateway_requests_total"), std::string::npos);

  gw.signal(SIGTERM);
  auto code = gw.wait_exit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << gw.log();
}

// The PEP is wired in: a protected rule never reaches the service without a valid token.
TEST_F(GatewayE2E, ProtectedRulesGoThroughThePep) {
  write_config(a_.address(), "  - {name: core, priority: -1, match: {path: {prefix: /api/core}}, "
                             "protected: true, action: {forward: g}}\n");
  uint16_t port = free_port(), admin = free_port();
  GatewayProcess gw(dir_ / "gateway.yaml", port, admin);
  ASSERT_TRUE(gw.wait_listening(port, admin)) << gw.log();
  ASSERT_EQ(get_until(port, "/api/status/200", "a").body, "a") << gw.log();
  int before = a_.requests();
  Reply anonymous = send(port, "GET", "/api/core/datasets", "X-Dts-Principal: admin\r\n");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_NE(anonymous.header("WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(anonymous.header("Content-Type"), "application/problem+json");
  Reply forged = send(port, "GET", "/api/core/datasets",
                      "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\r\n");
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_EQ(a_.requests(), before);  // nothing reached the service
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait_exit().value_or(-1), 0) << gw.log();
}

TEST_F(GatewayE2E, BadConfigStopsStartUpNamingTheField) {
  {
    std::ofstream(dir_ / "gateway.yaml")
        << "target_groups: [{name: g, targets: [\"127.0.0.1:70000\"]}]\n";
  }
  GatewayProcess gw(dir_ / "gateway.yaml", free_port(), free_port());
  auto code = gw.wait_exit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(gw.log().find("target_groups[0].targets[0]"), std::string::npos) << gw.log();
}

}  // namespace
}  // namespace dts::gateway
