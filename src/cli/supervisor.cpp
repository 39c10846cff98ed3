#include "cli/supervisor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/child_process.hpp"
#include "cli/control_socket.hpp"
#include "cli/database_setup.hpp"
#include "cli/health_probe.hpp"
#include "cli/service_env.hpp"
#include "cli/supervisor_state.hpp"
#include "common/ids.hpp"

namespace dts::cli {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kHealthInterval = 1s;
constexpr auto kStopGrace = 15s;
constexpr auto kMaxBackoff = 30s;
constexpr auto kStableAfter = 60s;  // a service up this long gets its backoff reset

struct Managed {
  ServiceDef def;
  uint16_t port = 0;
  std::map<std::string, std::string> env;
  std::optional<ChildProcess> process;
  ServiceStatus status;
  Clock::time_point started{};
  Clock::time_point restart_at{};
  Clock::time_point next_probe{};
  std::chrono::milliseconds backoff = 500ms;
  int failed_probes = 0;
  std::string database_url;
  bool retiring = false;  // `retire`d by a rolling deploy: stopped, never restarted
};

// A free loopback port for an extra instance (the kernel's pick; a race with another
// process binding it in between is possible but harmless: the instance fails and restarts).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

const char* kColors[] = {"\033[36m", "\033[35m", "\033[34m", "\033[33m", "\033[32m", "\033[96m",
                         "\033[95m", "\033[94m"};

class Supervisor {
 public:
  explicit Supervisor(const SupervisorOptions& o) : opt_(o) {}

  int run();

 private:
  void say(const std::string& msg) {
    std::cout << (opt_.color ? "\033[1mdts up |\033[0m " : "dts up | ") << msg << std::endl;
  }
  bool acquire_lock();
  int block_signals();
  void start_service(Managed& m);
  void pump_output(Managed& m, size_t index);
  void reap_children();
  void check_health();
  void publish();
  void stop_all();
  void handle_control();
  std::string control_command(const std::string& line);
  std::map<std::string, std::string> service_env(const ServiceDef& def, uint16_t port,
                                                 const std::string& database_url);

  SupervisorOptions opt_;
  std::vector<Managed> services_;
  std::unique_ptr<DatabaseSetup> database_;
  int lock_fd_ = -1;
  bool announced_ready_ = false;
  bool stopping_ = false;
  std::string state_path_;
  ControlSocket control_;
  // The gateway's admin API token (for rolling deploys) and the run's DTS_INTERNAL_KEY (the
  // gateway signs X-Dts-* identity headers with it, every service verifies them).
  RunSecrets secrets_;
};

bool Supervisor::acquire_lock() {
  std::string path = opt_.home + "/up.lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    say("cannot open " + path + ": " + std::strerror(errno));
    return false;
  }
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    auto snap = read_snapshot(state_path_);
    say("another `dts up` is already running for " + opt_.home +
        (snap.ok() ? " (pid " + std::to_string(snap->supervisor_pid) + ")" : std::string()) +
        "; use `dts status` to see it");
    return false;
  }
  return true;
}

int Supervisor::block_signals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

std::map<std::string, std::string> Supervisor::service_env(const ServiceDef& def, uint16_t port,
                                                           const std::string& database_url) {
  return cli::service_env(opt_, def, port, database_url, secrets_, process_environment());
}

void Supervisor::start_service(Managed& m) {
  ChildSpec spec{opt_.binary, m.def.args, m.env, SIGTERM};
  auto child = ChildProcess::spawn(spec);
  if (!child.ok()) {
    say(m.def.name + ": cannot start: " + child.error().message());
    m.status.state = ServiceState::kRestarting;
    m.restart_at = Clock::now() + m.backoff;
    return;
  }
  m.process.emplace(std::move(child).value());
  m.status.pid = m.process->pid();
  m.status.state = ServiceState::kStarting;
  m.started = Clock::now();
  m.next_probe = Clock::now() + 100ms;
  m.failed_probes = 0;
}

void Supervisor::pump_output(Managed& m, size_t index) {
  if (!m.process) return;
  auto lines = m.process->read_lines();
  if (!lines) return;
  std::string prefix = m.def.name;
  prefix.resize(std::max<size_t>(prefix.size(), 9), ' ');
  for (const auto& line : *lines) {
    if (opt_.color) {
      std::cout << kColors[index % 8] << prefix << " |\033[0m " << line << "\n";
    } else {
      std::cout << prefix << " | " << line << "\n";
    }
  }
  std::cout.flush();
}

void Supervisor::reap_children() {
  for (size_t i = 0; i < services_.size(); ++i) {
    Managed& m = services_[i];
    if (!m.process) continue;
    auto status = m.process->try_wait();
    if (!status) continue;
    pump_output(m, i);
    m.status.last_exit = describe_wait_status(*status);
    m.status.pid = 0;
    m.process.reset();
    if (stopping_ || m.retiring) {
      m.status.state = ServiceState::kStopped;
      continue;
    }
    if (Clock::now() - m.started > kStableAfter) m.backoff = 500ms;
    m.status.state = ServiceState::kRestarting;
    m.status.restarts++;
    m.restart_at = Clock::now() + m.backoff;
    say(m.def.name + " exited (" + m.status.last_exit + "); restarting in " +
        std::to_string(m.backoff.count()) + " ms");
    m.backoff = std::min<std::chrono::milliseconds>(m.backoff * 2, kMaxBackoff);
    publish();
  }
}

void Supervisor::handle_control() {
  std::string line;
  int client = control_.accept_request(line);
  if (client < 0) return;
  ControlSocket::reply(client, control_command(line));
}

std::string Supervisor::control_command(const std::string& line) {
  std::istringstream in(line);
  std::string cmd, name;
  in >> cmd >> name;
  if (cmd == "gateway-admin") {
    for (const auto& m : services_) {
      if (m.def.name != "gateway") continue;
      auto it = m.env.find("GATEWAY_ADMIN_PORT");
      return "ok " + (it == m.env.end() ? std::string("8081") : it->second) + " " +
             (m.env.count("GATEWAY_ADMIN_TOKEN") ? m.env.at("GATEWAY_ADMIN_TOKEN") : "");
    }
    return "error the gateway is not part of this `dts up`";
  }
  const Managed* model = nullptr;
  std::string ports;
  int live = 0;
  for (const auto& m : services_) {
    if (m.def.name != name || m.retiring) continue;
    if (!model) model = &m;
    ports += (ports.empty() ? "" : ",") + std::to_string(m.port);
    ++live;
  }
  if (!model) return "error no running service \"" + name + "\"";
  if (cmd == "list") return "ok " + ports;
  if (cmd == "spawn") {
    if (live >= 8) return "error too many instances of " + name;
    Managed m;
    m.def = model->def;
    m.port = free_port();
    if (m.port == 0) return "error no free port";
    m.database_url = model->database_url;
    m.env = service_env(m.def, m.port, m.database_url);
    m.status.name = name;
    m.status.url = "http://127.0.0.1:" + std::to_string(m.port);
    say("starting another " + name + " instance on port " + std::to_string(m.port));
    start_service(m);
    services_.push_back(std::move(m));
    publish();
    return "ok " + std::to_string(services_.back().port);
  }
  if (cmd == "retire") {
    int port = 0;
    in >> port;
    if (live <= 1) return "error refusing to retire the last instance of " + name;
    for (auto& m : services_) {
      if (m.def.name == name && m.port == port && !m.retiring) {
        m.retiring = true;
        say("retiring " + name + " on port " + std::to_string(port));
        if (m.process) {
          m.status.state = ServiceState::kStopping;
          m.process->signal(SIGTERM);
        } else {
          m.status.state = ServiceState::kStopped;
        }
        publish();
        return "ok";
      }
    }
    return "error no instance of " + name + " on port " + std::to_string(port);
  }
  return "error unknown command \"" + cmd + "\"";
}

void Supervisor::check_health() {
  auto now = Clock::now();
  size_t before_erase = services_.size();
  std::erase_if(services_, [](const Managed& m) { return m.retiring && !m.process; });
  bool changed = services_.size() != before_erase;
  for (auto& m : services_) {
    if (m.status.state == ServiceState::kRestarting && now >= m.restart_at) {
      say("restarting " + m.def.name + " (restart #" + std::to_string(m.status.restarts) + ")");
      start_service(m);
      changed = true;
      continue;
    }
    if (!m.process || now < m.next_probe) continue;
    m.next_probe = now + (m.status.state == ServiceState::kStarting ? 200ms : kHealthInterval);
    int code = probe_http(m.port, m.def.health_path, 500ms);
    ServiceState before = m.status.state;
    if (code == 200) {
      m.failed_probes = 0;
      m.status.state = ServiceState::kReady;
    } else if (before == ServiceState::kReady && ++m.failed_probes >= 3) {
      m.status.state = ServiceState::kUnhealthy;
      say(m.def.name + " failed 3 health checks (last status " + std::to_string(code) + ")");
    }
    if (m.status.state != before) {
      changed = true;
      if (m.status.state == ServiceState::kReady && announced_ready_) {
        say(m.def.name + " is ready again");
      }
    }
  }
  if (changed) publish();
  if (!announced_ready_) {
    bool all = !services_.empty();
    for (auto& m : services_) all = all && m.status.state == ServiceState::kReady;
    if (all || services_.empty()) {
      announced_ready_ = true;
      SupervisorSnapshot snap;
      snap.supervisor_pid = getpid();
      snap.database = database_->describe();
      for (auto& m : services_) snap.services.push_back(m.status);
      std::cout << "\n" << render_table(snap, opt_.color) << std::endl;
      say("all services ready; Ctrl-C stops everything");
    }
  }
}

void Supervisor::publish() {
  SupervisorSnapshot snap;
  snap.supervisor_pid = getpid();
  snap.database = database_ ? database_->describe() : "";
  for (auto& m : services_) snap.services.push_back(m.status);
  auto s = write_snapshot(state_path_, snap);
  if (!s.ok()) say("warning: " + s.error().message());
}

void Supervisor::stop_all() {
  stopping_ = true;
  say("stopping services");
  for (auto& m : services_) {
    if (m.process) {
      m.status.state = ServiceState::kStopping;
      m.process->signal(SIGTERM);
    } else {
      m.status.state = ServiceState::kStopped;
    }
  }
  publish();
  auto deadline = Clock::now() + kStopGrace;
  while (Clock::now() < deadline) {
    reap_children();
    bool any = false;
    for (size_t i = 0; i < services_.size(); ++i) {
      pump_output(services_[i], i);
      any = any || services_[i].process.has_value();
    }
    if (!any) break;
    ::usleep(20'000);
  }
  for (auto& m : services_) {
    if (m.process) {
      say(m.def.name + " did not stop in time; killing it");
      m.process->signal(SIGKILL);
    }
  }
  while (true) {
    reap_children();
    bool any = false;
    for (auto& m : services_) any = any || m.process.has_value();
    if (!any) break;
    ::usleep(10'000);
  }
}

int Supervisor::run() {
  std::error_code ec;
  std::filesystem::create_directories(opt_.home, ec);
  if (ec) {
    say("cannot create " + opt_.home + ": " + ec.message());
    return 1;
  }
  state_path_ = opt_.home + "/up.json";
  if (!acquire_lock()) return 1;
  int sigfd = block_signals();
  if (auto s = control_.listen(opt_.home + "/control.sock"); !s.ok()) {
    say("warning: " + s.error().message() + " (rolling deploys unavailable)");
  }
  secrets_.gateway_admin_token = ids::new_uuid_v4() + ids::new_uuid_v4();
  // A fresh key per run, unless the operator injects one (as ECS would from a secret), e.g.
  // to let services outside this `dts up` verify the gateway's signature.
  const char* given_key = std::getenv("DTS_INTERNAL_KEY");
  secrets_.internal_key = internal_key_for_run(given_key != nullptr ? given_key : "");

  database_ = std::make_unique<DatabaseSetup>(opt_.home, opt_.database_url);
  auto t0 = Clock::now();
  say("preparing database: " + database_->describe_plan());
  if (auto s = database_->start(); !s.ok()) {
    say("database failed: " + s.error().message());
    return 1;
  }
  for (const auto& def : opt_.services) {
    Managed m;
    m.def = def;
    m.port = static_cast<uint16_t>(def.port + opt_.port_offset);
    std::string url;
    if (def.uses_database) {
      auto conninfo = database_->prepare_service(def.name, opt_.root);
      if (!conninfo.ok()) {
        say(def.name + ": " + conninfo.error().message());
        (void)database_->stop();
        return 1;
      }
      url = *conninfo;
    }
    m.database_url = url;
    m.env = service_env(def, m.port, url);
    m.status.name = def.name;
    m.status.url = "http://127.0.0.1:" + std::to_string(m.port);
    services_.push_back(std::move(m));
  }
  say("database ready in " +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()) +
      " ms; starting " + std::to_string(services_.size()) + " service(s)");
  for (auto& m : services_) start_service(m);
  publish();

  bool running = true;
  while (running) {
    std::vector<pollfd> fds;
    fds.push_back({sigfd, POLLIN, 0});
    fds.push_back({control_.fd(), POLLIN, 0});
    std::vector<size_t> owners;
    for (size_t i = 0; i < services_.size(); ++i) {
      if (services_[i].process && services_[i].process->output_fd() >= 0) {
        fds.push_back({services_[i].process->output_fd(), POLLIN, 0});
        owners.push_back(i);
      }
    }
    ::poll(fds.data(), fds.size(), 100);
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(sigfd, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM || info.ssi_signo == SIGHUP) {
          say(std::string("received ") + strsignal(static_cast<int>(info.ssi_signo)));
          running = false;
        }
      }
    }
    if (fds[1].revents & POLLIN) handle_control();
    for (size_t k = 2; k < fds.size(); ++k) {
      if (fds[k].revents) pump_output(services_[owners[k - 2]], owners[k - 2]);
    }
    reap_children();
    if (running) check_health();
  }
  stop_all();
  say("stopping database");
  if (auto s = database_->stop(); !s.ok()) say("database stop: " + s.error().message());
  std::filesystem::remove(state_path_, ec);
  say("stopped cleanly");
  ::close(sigfd);
  return 0;
}

}  // namespace

int run_supervisor(const SupervisorOptions& options) {
  Supervisor s(options);
  return s.run();
}

int print_status(const std::string& home, bool color) {
  std::string lock_path = home + "/up.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  bool running = false;
  if (fd >= 0) {
    running = flock(fd, LOCK_EX | LOCK_NB) != 0;  // held by a live supervisor
    ::close(fd);
  }
  if (!running) {
    std::cout << "dts up is not running (home " << home << ")\n";
    return 3;
  }
  auto snap = read_snapshot(home + "/up.json");
  if (!snap.ok()) {
    std::cout << "dts up is starting (no state yet)\n";
    return 0;
  }
  std::cout << render_table(*snap, color);
  return 0;
}

}  // namespace dts::cli
