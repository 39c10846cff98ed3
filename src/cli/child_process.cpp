#include "cli/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dts::cli {

Result<ChildProcess> ChildProcess::spawn(const ChildSpec& spec) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return internal_error(std::string("pipe: ") + strerror(errno));
  // Build argv/envp before fork: only async-signal-safe calls are allowed in the child.
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  argv.push_back(const_cast<char*>(spec.program.c_str()));
  for (const auto& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return internal_error(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, spec.death_signal);
    if (getppid() != parent) _exit(127);  // the supervisor died before prctl took effect
    setpgid(0, 0);  // own process group: Ctrl-C in the terminal goes to the supervisor only
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(spec.program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return ChildProcess(pid, fds[0]);
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), out_fd_(o.out_fd_), exited_(o.exited_), partial_(std::move(o.partial_)) {
  o.pid_ = -1;
  o.out_fd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (out_fd_ >= 0) close(out_fd_);
    pid_ = o.pid_;
    out_fd_ = o.out_fd_;
    exited_ = o.exited_;
    partial_ = std::move(o.partial_);
    o.pid_ = -1;
    o.out_fd_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (out_fd_ >= 0) close(out_fd_);
}

std::optional<std::vector<std::string>> ChildProcess::read_lines() {
  std::vector<std::string> lines;
  char buf[8192];
  bool eof = false;
  while (out_fd_ >= 0) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n > 0) {
      partial_.append(buf, static_cast<size_t>(n));
      if (partial_.size() > (1u << 20)) break;  // a runaway line: flush what we have
      continue;
    }
    if (n == 0) eof = true;
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  size_t start = 0;
  for (size_t nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n', start)) {
    lines.push_back(partial_.substr(start, nl - start));
    start = nl + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > (1u << 20) || (eof && !partial_.empty())) {
    lines.push_back(std::move(partial_));
    partial_.clear();
  }
  if (eof) {
    close(out_fd_);
    out_fd_ = -1;
    if (lines.empty()) return std::nullopt;
  }
  return lines;
}

void ChildProcess::signal(int signo) const {
  if (pid_ > 0 && !exited_) kill(pid_, signo);
}

std::optional<int> ChildProcess::try_wait() {
  if (pid_ <= 0 || exited_) return std::nullopt;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    return status;
  }
  return std::nullopt;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

}  // namespace dts::cli
