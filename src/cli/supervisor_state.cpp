#include "cli/supervisor_state.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace dts::cli {

std::string_view state_name(ServiceState state) {
  switch (state) {
    case ServiceState::kStarting: return "starting";
    case ServiceState::kReady: return "ready";
    case ServiceState::kUnhealthy: return "unhealthy";
    case ServiceState::kRestarting: return "restarting";
    case ServiceState::kStopping: return "stopping";
    case ServiceState::kStopped: return "stopped";
  }
  return "unknown";
}

namespace {

ServiceState parse_state(std::string_view s) {
  for (auto st : {ServiceState::kStarting, ServiceState::kReady, ServiceState::kUnhealthy,
                  ServiceState::kRestarting, ServiceState::kStopping, ServiceState::kStopped}) {
    if (state_name(st) == s) return st;
  }
  return ServiceState::kStopped;
}

}  // namespace

Status write_snapshot(const std::string& path, const SupervisorSnapshot& snapshot) {
  boost::json::array services;
  for (const auto& s : snapshot.services) {
    services.push_back(boost::json::object{{"name", s.name},
                                           {"url", s.url},
                                           {"pid", s.pid},
                                           {"state", state_name(s.state)},
                                           {"restarts", s.restarts},
                                           {"last_exit", s.last_exit}});
  }
  boost::json::object doc{{"supervisor_pid", snapshot.supervisor_pid},
                          {"database", snapshot.database},
                          {"services", std::move(services)}};
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << boost::json::serialize(doc) << "\n";
    if (!out) return internal_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return internal_error("cannot rename " + tmp);
  return ok_status();
}

Result<SupervisorSnapshot> read_snapshot(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("no state file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  auto doc = boost::json::parse(buf.str(), ec);
  if (ec || !doc.is_object()) return invalid_argument("corrupt state file " + path);
  SupervisorSnapshot snap;
  const auto& o = doc.as_object();
  if (auto* p = o.if_contains("supervisor_pid"); p && p->is_int64()) {
    snap.supervisor_pid = static_cast<pid_t>(p->as_int64());
  }
  if (auto* d = o.if_contains("database"); d && d->is_string()) {
    snap.database = std::string(d->as_string());
  }
  if (auto* arr = o.if_contains("services"); arr && arr->is_array()) {
    for (const auto& v : arr->as_array()) {
      if (!v.is_object()) continue;
      const auto& so = v.as_object();
      ServiceStatus s;
      auto str = [&](const char* k) -> std::string {
        auto* x = so.if_contains(k);
        return x && x->is_string() ? std::string(x->as_string()) : std::string();
      };
      auto num = [&](const char* k) -> int64_t {
        auto* x = so.if_contains(k);
        return x && x->is_int64() ? x->as_int64() : 0;
      };
      s.name = str("name");
      s.url = str("url");
      s.pid = static_cast<pid_t>(num("pid"));
      s.state = parse_state(str("state"));
      s.restarts = static_cast<int>(num("restarts"));
      s.last_exit = str("last_exit");
      snap.services.push_back(std::move(s));
    }
  }
  return snap;
}

std::string render_table(const SupervisorSnapshot& snapshot, bool color) {
  auto paint = [&](ServiceState st, std::string text) {
    if (!color) return text;
    const char* code = st == ServiceState::kReady ? "\033[32m"
                       : st == ServiceState::kStarting || st == ServiceState::kRestarting
                           ? "\033[33m"
                           : "\033[31m";
    return code + text + "\033[0m";
  };
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %-28s %-8s %-11s %-8s %s\n", "SERVICE", "URL", "PID",
                "STATE", "RESTARTS", "LAST EXIT");
  out << line;
  for (const auto& s : snapshot.services) {
    std::string state(state_name(s.state));
    std::snprintf(line, sizeof line, "%-10s %-28s %-8d ", s.name.c_str(), s.url.c_str(), s.pid);
    out << line;
    char padded[32];
    std::snprintf(padded, sizeof padded, "%-11s", state.c_str());
    out << paint(s.state, padded);
    std::snprintf(line, sizeof line, " %-8d %s\n", s.restarts, s.last_exit.c_str());
    out << line;
  }
  out << "database: " << snapshot.database << "\n";
  return out.str();
}

}  // namespace dts::cli
