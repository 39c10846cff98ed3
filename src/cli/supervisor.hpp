#pragma once
// `dts up`: the local stand-in for ECS. Starts (or reuses) a private PostgreSQL under
// <home>/pg unless DATABASE_URL is given, creates one least-privileged role + schema per
// service, runs migrations, then runs every service as its own child process of this
// binary with its own environment; health-checks them, restarts crashed ones with backoff,
// prefixes and colours their log lines, and on SIGINT/SIGTERM stops the services and then
// PostgreSQL, leaving no process behind. One supervisor per home (a flock'ed lock file,
// released by the kernel even if the supervisor is killed).

#include <cstdint>
#include <string>
#include <vector>

#include "cli/service_catalog.hpp"

namespace dts::cli {

struct SupervisorOptions {
  std::string home = ".dts";           // DTS_HOME
  std::string root = ".";              // DTS_ROOT: repository (migrations/, policies/)
  std::string binary;                  // this executable
  std::string database_url;            // DATABASE_URL: external database, no embedded one
  std::vector<ServiceDef> services;
  int port_offset = 0;                 // DTS_PORT_OFFSET, added to every default port
  bool color = false;
};

// Runs until signalled; returns the process exit code.
int run_supervisor(const SupervisorOptions& options);

// `dts status`: prints the table of a running supervisor; exit 0 when it runs, 3 if not.
int print_status(const std::string& home, bool color);

}  // namespace dts::cli
