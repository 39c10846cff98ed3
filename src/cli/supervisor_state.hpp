#pragma once
// What `dts up` knows about its services, written to <home>/up.json after every change so
// `dts status` (another process) can show the same table.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dts::cli {

enum class ServiceState { kStarting, kReady, kUnhealthy, kRestarting, kStopping, kStopped };
std::string_view state_name(ServiceState state);

struct ServiceStatus {
  std::string name;
  std::string url;
  pid_t pid = 0;
  ServiceState state = ServiceState::kStarting;
  int restarts = 0;
  std::string last_exit;  // "exit code 1" / "signal 9 (Killed)"
};

struct SupervisorSnapshot {
  pid_t supervisor_pid = 0;
  std::string database;  // "embedded: .dts/pg (pid 123)" or "external"
  std::vector<ServiceStatus> services;
};

// Writes atomically (temp file + rename) so a reader never sees half a file.
Status write_snapshot(const std::string& path, const SupervisorSnapshot& snapshot);
Result<SupervisorSnapshot> read_snapshot(const std::string& path);

// The table printed by `dts up` when everything is ready and by `dts status`.
std::string render_table(const SupervisorSnapshot& snapshot, bool color);

}  // namespace dts::cli
