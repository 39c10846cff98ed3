#include "cli/deploy.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/control_socket.hpp"
#include "cli/health_probe.hpp"
#include "cli/service_catalog.hpp"

namespace dts::cli {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct HttpReply {
  int status = 0;
  std::string body;
};

// A blocking loopback HTTP/1.1 request (Connection: close), bounded by `timeout`.
HttpReply http_call(uint16_t port, const std::string& method, const std::string& path,
                    const std::string& token, const std::string& body,
                    std::chrono::milliseconds timeout = 5s) {
  HttpReply out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return out;
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string raw;
  auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (raw.size() < (1 << 20)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (raw.rfind("HTTP/1.", 0) == 0 && raw.size() >= 12) out.status = std::atoi(raw.c_str() + 9);
  size_t end = raw.find("\r\n\r\n");
  if (end != std::string::npos) out.body = raw.substr(end + 4);
  return out;
}

class Deployer {
 public:
  explicit Deployer(const DeployOptions& o) : opt_(o), socket_(o.home + "/control.sock") {}

  int run() {
    auto admin = control("gateway-admin");
    if (!admin) return 1;
    std::istringstream in(*admin);
    int port = 0;
    in >> port >> token_;
    admin_port_ = static_cast<uint16_t>(port);
    auto list = control("list " + opt_.service);
    if (!list) return 1;
    std::vector<uint16_t> old_ports;
    std::stringstream ports(*list);
    for (std::string p; std::getline(ports, p, ',');) old_ports.push_back(static_cast<uint16_t>(std::stoi(p)));
    health_path_ = "/readyz";
    for (const auto& def : all_services()) {
      if (def.name == opt_.service) health_path_ = def.health_path;
    }
    say("rolling " + opt_.service + ": " + std::to_string(old_ports.size()) + " instance(s)");
    for (uint16_t old_port : old_ports) {
      if (!replace(old_port)) return 1;
    }
    say("rolling deploy of " + opt_.service + " done");
    return 0;
  }

 private:
  void say(const std::string& msg) { std::cout << "dts deploy | " << msg << std::endl; }

  std::optional<std::string> control(const std::string& line) {
    auto r = control_request(socket_, line, 10s);
    if (!r.ok()) {
      say("error: " + r.error().message());
      return std::nullopt;
    }
    return *r;
  }

  std::string target_id(uint16_t port) const { return "127.0.0.1:" + std::to_string(port); }

  // The gateway's view of a target: "healthy", "initial", ..., or "" when absent.
  std::string gateway_state(uint16_t port) {
    HttpReply r = http_call(admin_port_, "GET", "/admin/target-groups/" + opt_.service, token_, "");
    if (r.status != 200) return "?";
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) return "?";
    for (const auto& t : v.at("targets").as_array()) {
      if (t.at("id").as_string() == target_id(port)) {
        if (t.at("ejected").as_bool()) return "ejected";
        return std::string(t.at("health").as_string());
      }
    }
    return "";
  }

  template <class Pred>
  bool wait_until(const std::string& what, Pred pred) {
    auto deadline = Clock::now() + opt_.timeout;
    while (Clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(100ms);
    }
    say("timed out waiting for " + what);
    return false;
  }

  bool replace(uint16_t old_port) {
    auto spawned = control("spawn " + opt_.service);
    if (!spawned) return false;
    uint16_t new_port = static_cast<uint16_t>(std::stoi(*spawned));
    say("started new instance on port " + std::to_string(new_port));
    if (!wait_until("the new instance to become healthy", [&] {
          return probe_http(new_port, health_path_, 500ms) == 200;
        })) {
      (void)control("retire " + opt_.service + " " + std::to_string(new_port));
      return false;
    }
    std::string body = "{\"target\":\"" + target_id(new_port) + "\"}";
    HttpReply reg = http_call(admin_port_, "POST", "/admin/target-groups/" + opt_.service +
                                                       "/targets", token_, body);
    if (reg.status != 201 && reg.status != 200) {
      say("gateway refused the registration (" + std::to_string(reg.status) + "): " + reg.body);
      (void)control("retire " + opt_.service + " " + std::to_string(new_port));
      return false;
    }
    if (!wait_until("the gateway to see the new instance healthy",
                    [&] { return gateway_state(new_port) == "healthy"; })) {
      return false;
    }
    say("registered " + target_id(new_port) + "; draining " + target_id(old_port));
    HttpReply dereg = http_call(admin_port_, "DELETE", "/admin/target-groups/" + opt_.service +
                                                           "/targets/" + target_id(old_port),
                                token_, "");
    if (dereg.status != 202 && dereg.status != 404) {
      say("gateway refused the deregistration (" + std::to_string(dereg.status) + ")");
      return false;
    }
    if (!wait_until("the old instance to drain", [&] { return gateway_state(old_port).empty(); })) {
      return false;
    }
    if (!control("retire " + opt_.service + " " + std::to_string(old_port))) return false;
    say("retired the instance on port " + std::to_string(old_port));
    return true;
  }

  DeployOptions opt_;
  std::string socket_;
  uint16_t admin_port_ = 0;
  std::string token_;
  std::string health_path_;
};

}  // namespace

int rolling_deploy(const DeployOptions& options) { return Deployer(options).run(); }

void add_deploy(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "deploy", "Replace a service's instances in a running `dts up` (rolling, zero downtime)");
  static std::string service;
  static bool rolling = false;
  static int timeout_s = 120;
  cmd->add_flag("--rolling", rolling, "One instance at a time through the gateway (required)");
  cmd->add_option("service", service, "The service to redeploy")->required();
  cmd->add_option("--step-timeout", timeout_s, "Seconds each step may take (default 120)");
  cmd->footer("Environment: DTS_HOME (state dir of the running `dts up`, default .dts).");
  cmd->callback([] {
    if (!rolling) {
      std::cerr << "dts deploy: only --rolling is supported\n";
      std::exit(2);
    }
    DeployOptions o;
    const char* home = std::getenv("DTS_HOME");
    o.home = std::filesystem::absolute(home && *home ? home : ".dts").string();
    o.service = service;
    o.timeout = std::chrono::seconds(timeout_s);
    std::exit(rolling_deploy(o));
  });
}

}  // namespace dts::cli
