// `dts up` end to end: from nothing to every service ready, a kill -9 followed by a
// restart, Ctrl-C leaving no process and no stale lock, and a second run reusing the
// cluster. Runs the real binary with a temporary DTS_HOME.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "cli/child_process.hpp"
#include "cli/supervisor_state.hpp"
#include "common/http/testing/raw_socket.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace dts::cli {
namespace {

class UpRun {
 public:
  UpRun(const fs::path& home, int port_offset) {
    ChildSpec spec;
    spec.program = DTS_BINARY;
    spec.args = {"up"};
    spec.env = {{"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
                {"DTS_HOME", home.string()},
                {"DTS_ROOT", DTS_SOURCE_DIR},
                {"DTS_SERVICES", "selftest"},
                {"DTS_PORT_OFFSET", std::to_string(port_offset)},
                {"NO_COLOR", "1"}};
    auto child = ChildProcess::spawn(spec);
    EXPECT_TRUE(child.ok());
    process_.emplace(std::move(child).value());
  }

  // Reads output until a line contains `text`; false on timeout or exit.
  bool wait_for(const std::string& text, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto lines = process_->read_lines();
      if (!lines) return false;
      for (const auto& l : *lines) {
        log_ += l + "\n";
        if (l.find(text) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // Sends `signo`, waits for the exit (30 s at most) and collects the remaining output.
  int stop(int signo) {
    process_->signal(signo);
    for (int i = 0; i < 3000; ++i) {
      drain();
      if (auto status = process_->try_wait()) {
        while (drain()) {
        }
        return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
      }
      std::this_thread::sleep_for(10ms);
    }
    process_->signal(SIGKILL);
    return -1;
  }

  // Appends what is readable now to the log; false at EOF.
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
};

bool alive(pid_t pid) { return pid > 0 && kill(pid, 0) == 0; }

// Processes whose command line mentions `needle` (e.g. the cluster's data directory).
int processes_mentioning(const std::string& needle) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(needle) != std::string::npos) ++n;
  }
  return n;
}

int run_status(const fs::path& home, std::string& out) {
  FILE* p = popen(("NO_COLOR=1 DTS_HOME=" + home.string() + " " DTS_BINARY " status").c_str(), "r");
  char buf[4096];
  size_t n;
  out.clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return WEXITSTATUS(status);
}

TEST(DtsUp, StartsRestartsStopsCleanlyAndReusesCluster) {
  // Short path: unix socket paths are limited to 107 bytes.
  fs::path home = fs::temp_directory_path() / ("dts-up-" + std::to_string(getpid()));
  fs::remove_all(home);
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  int offset = 20000 + static_cast<int>(rng() % 20000);
  uint16_t port = static_cast<uint16_t>(9099 + offset);

  {
    UpRun up(home, offset);
    ASSERT_TRUE(up.wait_for("all services ready", 180s)) << up.log();
    EXPECT_NE(up.log().find("creating embedded cluster"), std::string::npos) << up.log();

    std::string status_out;
    EXPECT_EQ(run_status(home, status_out), 0);
    EXPECT_NE(status_out.find("selftest"), std::string::npos) << status_out;
    EXPECT_NE(status_out.find("ready"), std::string::npos) << status_out;

    // The service really works through its database.
    http::testing::RawSocket s(port);
    std::string body = "{\"note\":\"hello from up_test\"}";
    s.send("POST /api/selftest/probes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string reply = s.read_responses(1);
    EXPECT_EQ(http::testing::first_status(reply), 201) << reply;

    // kill -9 the service: the supervisor says so and brings it back.
    auto snap = read_snapshot((home / "up.json").string());
    ASSERT_TRUE(snap.ok());
    ASSERT_EQ(snap->services.size(), 1u);
    pid_t service_pid = snap->services[0].pid;
    ASSERT_TRUE(alive(service_pid));
    kill(service_pid, SIGKILL);
    ASSERT_TRUE(up.wait_for("selftest exited (signal 9", 10s)) << up.log();
    ASSERT_TRUE(up.wait_for("selftest is ready again", 30s)) << up.log();
    snap = read_snapshot((home / "up.json").string());
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(snap->services[0].restarts, 1);
    EXPECT_NE(snap->services[0].pid, service_pid);
    pid_t new_pid = snap->services[0].pid;

    // Ctrl-C: everything stops, nothing is left behind.
    EXPECT_EQ(up.stop(SIGINT), 0) << up.log();
    EXPECT_NE(up.log().find("stopped cleanly"), std::string::npos) << up.log();
    EXPECT_FALSE(alive(new_pid));
    EXPECT_EQ(processes_mentioning((home / "pg").string()), 0);
    EXPECT_EQ(run_status(home, status_out), 3) << status_out;
  }
  {
    // A second run reuses the cluster (no initdb) and the data written before.
    UpRun up(home, offset);
    ASSERT_TRUE(up.wait_for("all services ready", 120s)) << up.log();
    EXPECT_NE(up.log().find("reusing embedded cluster"), std::string::npos) << up.log();
    http::testing::RawSocket s(port);
    s.send("GET /api/selftest/probes/1 HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string reply = s.read_responses(1);
    EXPECT_EQ(http::testing::first_status(reply), 200) << reply;
    EXPECT_NE(reply.find("hello from up_test"), std::string::npos) << reply;
    EXPECT_EQ(up.stop(SIGTERM), 0) << up.log();
    EXPECT_EQ(processes_mentioning((home / "pg").string()), 0);
  }
  fs::remove_all(home);
}

}  // namespace
}  // namespace dts::cli
