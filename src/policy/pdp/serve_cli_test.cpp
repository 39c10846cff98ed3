// `dts policy serve` end to end in a child process: CLI flags, environment, SIGTERM exit.

#include "policy/pdp/serve_cli.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <thread>

#include "policy/pdp/test_harness.hpp"

namespace dts::policy::pdp {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A port that was free a moment ago (the CLI takes host:port, so port 0 cannot be read back).
uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(PdpServe, CliServesBundleUntilSigterm) {
  TempDir dir;
  dir.write("authz.rego", "package authz\nimport rego.v1\n\nallow if input.user == \"alice\"\n");
  uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string bundle = dir.path().string();
  std::string addr = "127.0.0.1:" + std::to_string(port);

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("HTTP_THREADS", "1", 1);
    setenv("LOG_LEVEL", "warn", 1);
    CLI::App app("dts");
    auto* policy = app.add_subcommand("policy", "policy tools");
    register_serve(*policy);
    std::vector<std::string> args = {"dts", "policy", "serve", "--bundle", bundle, "--addr", addr};
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (...) {
      _exit(5);
    }
    _exit(6);  // the serve callback exits by itself
  }

  testing::Reply r;
  for (int i = 0; i < 100 && r.status != 200; ++i) {
    std::this_thread::sleep_for(50ms);
    // Connecting before the child listens would abort RawSocket, so probe with a plain socket.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (up) {
      r = testing::call(port, "GET", "/readyz");
    }
  }
  EXPECT_EQ(r.status, 200);
  auto d = testing::call(port, "POST", "/v1/data/authz/allow", R"({"input":{"user":"alice"}})");
  EXPECT_EQ(d.body, R"({"result":true})");

  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace dts::policy::pdp
