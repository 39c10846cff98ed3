#pragma once
// A child process of the supervisor: started with its own argv and environment, its
// stdout+stderr captured through one pipe, and tied to the supervisor's life
// (PR_SET_PDEATHSIG) so that a killed supervisor never leaves orphans behind.

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dts::cli {

struct ChildSpec {
  std::string program;                       // absolute path
  std::vector<std::string> args;             // argv[1..]
  std::map<std::string, std::string> env;    // the complete environment
  int death_signal = 15;                     // sent to the child if the supervisor dies
};

class ChildProcess {
 public:
  // Forks and execs. The returned object owns the output pipe's read end.
  static Result<ChildProcess> spawn(const ChildSpec& spec);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  int output_fd() const { return out_fd_; }
  // Reads what is available on the output pipe and returns complete lines (a trailing
  // partial line is kept for the next call). Returns nullopt at EOF.
  std::optional<std::vector<std::string>> read_lines();
  void signal(int signo) const;
  // Non-blocking reap: the wait status if the child has exited.
  std::optional<int> try_wait();
  bool exited() const { return exited_; }

 private:
  ChildProcess(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {}
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::string partial_;
};

// "exit code 3" / "signal 9 (Killed)" for a wait status.
std::string describe_wait_status(int status);

}  // namespace dts::cli
