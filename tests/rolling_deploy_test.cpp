// `dts deploy --rolling` under steady load: `dts up` runs selftest behind the gateway,
// client threads hammer the gateway, the deploy replaces the selftest instance (new one
// started, registered, old one drained and retired), and not a single request fails.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "cli/child_process.hpp"
#include "cli/control_socket.hpp"
#include "common/http/testing/raw_socket.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace dts::cli {
namespace {

class Child {
 public:
  Child(std::vector<std::string> args, std::map<std::string, std::string> env) {
    env["PATH"] = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    env["NO_COLOR"] = "1";
    auto child = ChildProcess::spawn({DTS_BINARY, std::move(args), std::move(env), SIGTERM});
    EXPECT_TRUE(child.ok());
    process_.emplace(std::move(child).value());
  }
  ~Child() {
    if (!done_) (void)stop(SIGTERM);
  }
  bool wait_for(const std::string& text, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto lines = process_->read_lines();
      if (lines) {
        for (const auto& l : *lines) log_ += l + "\n";
      }
      if (log_.find(text) != std::string::npos) return true;
      if (!lines) return false;  // the process ended
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // Waits for the exit (sending `signo` first unless 0); returns the exit code.
  int stop(int signo, std::chrono::seconds timeout = 60s) {
    if (signo) process_->signal(signo);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      drain();
      if (auto st = process_->try_wait()) {
        while (drain()) {
        }
        done_ = true;
        return WIFEXITED(*st) ? WEXITSTATUS(*st) : 128 + WTERMSIG(*st);
      }
      std::this_thread::sleep_for(10ms);
    }
    process_->signal(SIGKILL);
    done_ = true;
    return -1;
  }
  bool drain() {
    auto lines = process_->read_lines();
    if (!lines) return false;
    for (const auto& l : *lines) log_ += l + "\n";
    return !lines->empty();
  }
  const std::string& log() const { return log_; }

 private:
  std::optional<ChildProcess> process_;
  std::string log_;
  bool done_ = false;
};

std::string get(uint16_t port, const std::string& path) {
  http::testing::RawSocket s(port);
  s.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  return s.read_until_close(10s);
}
int get_status(uint16_t port, const std::string& path) {
  return http::testing::first_status(get(port, path));
}

TEST(RollingDeploy, ZeroFailedRequestsUnderLoad) {
  fs::path home = fs::temp_directory_path() / ("dts-roll-" + std::to_string(getpid()));
  fs::remove_all(home);
  fs::create_directories(home);
  std::mt19937 rng(static_cast<unsigned>(getpid()) * 7u);
  int offset = 20000 + static_cast<int>(rng() % 20000);
  uint16_t gateway_port = static_cast<uint16_t>(8080 + offset);
  fs::path config = home / "gateway.yaml";
  std::ofstream(config) << R"(
target_groups:
  - name: selftest
    targets: ["127.0.0.1:${SELFTEST_PORT}"]
    health_check: {path: /readyz, interval: 200ms, timeout: 150ms, healthy_threshold: 1,
                   unhealthy_threshold: 2}
    deregistration_delay: 5s
rules:
  # Public per the platform policy (/auth/**), but protected: the PEP runs and signs the
  # identity it forwards with the DTS_INTERNAL_KEY `dts up` generated for this run.
  - {name: signed, match: {path: {prefix: /auth/selftest}}, protected: true,
     strip_prefix: /auth/selftest, action: {forward: selftest}}
  - {name: selftest, match: {path: {prefix: /}}, action: {forward: selftest}}
)";
  Child up({"up"}, {{"DTS_HOME", home.string()},
                    {"DTS_ROOT", DTS_SOURCE_DIR},
                    {"DTS_SERVICES", "selftest,gateway"},
                    {"DTS_PORT_OFFSET", std::to_string(offset)},
                    {"DTS_GATEWAY_GATEWAY_CONFIG", config.string()},
                    {"DTS_GATEWAY_HTTP_THREADS", "2"}});
  ASSERT_TRUE(up.wait_for("all services ready", 180s)) << up.log();
  // The gateway sees the selftest target healthy shortly after its first check.
  int first = 0;
  for (int i = 0; i < 100 && first != 200; ++i) {
    first = get_status(gateway_port, "/hello");
    if (first != 200) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(first, 200) << up.log();
  // `dts up` gave the gateway and selftest the same random DTS_INTERNAL_KEY: a request through
  // the gateway arrives signed and verifies; the same request sent around the gateway, with
  // forged identity headers, is refused.
  std::string whoami = get(gateway_port, "/auth/selftest/whoami");
  EXPECT_EQ(http::testing::first_status(whoami), 200) << whoami << "\n---\n" << up.log();
  {
    uint16_t direct = static_cast<uint16_t>(9099 + offset);
    http::testing::RawSocket s(direct);
    s.send("GET /whoami HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Dts-Principal: root\r\n"
           "X-Dts-Tenant: acme\r\nX-Dts-Groups: tenant:acme:admin\r\nX-Dts-Signature: "
           "t=1,v1=00\r\n\r\n");
    EXPECT_EQ(http::testing::first_status(s.read_until_close(10s)), 401);
  }
  auto before = control_request((home / "control.sock").string(), "list selftest", 5s);
  ASSERT_TRUE(before.ok()) << before.error().message();

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  // The supervisor's output must keep flowing (a full pipe would stall it and, through
  // it, every service's logging).
  std::atomic<bool> stop_drain{false};
  std::thread drainer([&] {
    while (!stop_drain) {
      up.drain();
      std::this_thread::sleep_for(5ms);
    }
  });
  std::vector<std::thread> load;
  std::mutex mu;
  std::vector<int> bad_statuses;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      while (!stop) {
        int s = get_status(gateway_port, "/hello");
        if (s == 200) {
          ++ok;
        } else {
          ++failed;
          std::lock_guard lock(mu);
          bad_statuses.push_back(s);
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  Child deploy({"deploy", "--rolling", "selftest", "--step-timeout", "60"},
               {{"DTS_HOME", home.string()}});
  int code = deploy.stop(0, 150s);
  int during = ok.load();
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& t : load) t.join();
  stop_drain = true;
  drainer.join();

  EXPECT_EQ(code, 0) << deploy.log() << "\n---\n" << up.log();
  EXPECT_EQ(failed.load(), 0) << "statuses: " << ::testing::PrintToString(bad_statuses);
  EXPECT_GT(ok.load(), during);  // traffic flows on the new instance after the deploy
  EXPECT_GT(during, 20);
  auto after = control_request((home / "control.sock").string(), "list selftest", 5s);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before) << "the instance was not replaced";
  EXPECT_EQ(after->find(','), std::string::npos) << "old instance still running: " << *after;
  EXPECT_NE(deploy.log().find("rolling deploy of selftest done"), std::string::npos)
      << deploy.log();
  // The instance the deploy started got the same key.
  whoami = get(gateway_port, "/auth/selftest/whoami");
  EXPECT_EQ(http::testing::first_status(whoami), 200) << whoami << "\n---\n" << up.log();
  EXPECT_EQ(up.stop(SIGTERM), 0) << up.log();
  fs::remove_all(home);
}

}  // namespace
}  // namespace dts::cli
