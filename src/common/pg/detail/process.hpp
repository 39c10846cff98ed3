#pragma once
// Child processes for the embedded PostgreSQL server: fork + exec, optionally dropping
// root privileges to another account first (PostgreSQL refuses to run as root).
// Internal to dts::pg; not thread-safe per Child, but spawning from several threads is
// fine (only async-signal-safe calls happen between fork and exec).

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dts::pg::detail {

// The account a child runs as. Empty when no switch is needed.
struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// The account to run PostgreSQL as: none when not root; the `postgres` system account (from
// Debian's postgresql package) when root. kFailedPrecondition if root and it does not exist.
Result<std::optional<Account>> server_account();

struct Spawn {
  std::string program;
  std::vector<std::string> args;  // without argv[0]
  std::optional<Account> run_as;  // setgid/setgroups/setuid before exec
  int output_fd = -1;             // stdout and stderr; -1 = /dev/null
  std::string working_dir;        // empty = inherit
  // Ask the kernel to send this signal to the child when the spawning *thread* dies, so a
  // crashed parent does not leave an orphaned server behind (0 = off).
  int parent_death_signal = 0;
};

// Starts the child and returns its pid.
Result<pid_t> spawn(const Spawn& spec);

// Waits up to `timeout` for the child to exit; returns its exit status (as from waitpid's
// WEXITSTATUS, or 128 + signal) or nullopt on timeout. The child is reaped.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);

// Runs a program to completion (for initdb). kInternal with the exit code on failure.
Status run(const Spawn& spec, std::chrono::milliseconds timeout);

// True if `pid` is a live process whose working directory is `dir` (a postmaster chdirs to
// its data directory, so this tells our server apart from a recycled pid).
bool process_in_dir(pid_t pid, const std::string& dir);

}  // namespace dts::pg::detail
