#include "common/pg/detail/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace dts::pg::detail {
namespace {

// Everything the child needs, prepared before fork: after fork in a threaded process only
// async-signal-safe calls are allowed, so no allocation happens there.
struct Prepared {
  std::vector<std::string> storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

Prepared prepare(const Spawn& spec) {
  Prepared p;
  p.storage.push_back(spec.program);
  for (const auto& a : spec.args) {
    p.storage.push_back(a);
  }
  std::size_t argc = p.storage.size();
  // A small fixed environment: the server must not inherit PG* variables or a locale
  // that initdb would bake into the cluster.
  p.storage.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  p.storage.push_back("LC_ALL=C");
  p.storage.push_back("LANG=C");
  p.storage.push_back("TZ=UTC");
  if (spec.run_as) {
    p.storage.push_back("USER=" + spec.run_as->name);
  }
  for (std::size_t i = 0; i < p.storage.size(); ++i) {
    (i < argc ? p.argv : p.envp).push_back(p.storage[i].data());
  }
  p.argv.push_back(nullptr);
  p.envp.push_back(nullptr);
  return p;
}

[[noreturn]] void child_fail(const char* what) {
  // write(2) is async-signal-safe; the message lands in the log the parent will show.
  const char* err = std::strerror(errno);
  (void)!write(STDERR_FILENO, "dts: ", 5);
  (void)!write(STDERR_FILENO, what, std::strlen(what));
  (void)!write(STDERR_FILENO, ": ", 2);
  (void)!write(STDERR_FILENO, err, std::strlen(err));
  (void)!write(STDERR_FILENO, "\n", 1);
  _exit(127);
}

}  // namespace

Result<std::optional<Account>> server_account() {
  if (geteuid() != 0) {
    return std::optional<Account>{};
  }
  passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return failed_precondition(
        "running as root, but there is no 'postgres' account to run PostgreSQL as "
        "(install Debian's postgresql package)");
  }
  return std::optional<Account>(Account{pw->pw_uid, pw->pw_gid, pw->pw_name});
}

Result<pid_t> spawn(const Spawn& spec) {
  Prepared p = prepare(spec);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    return internal_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid > 0) {
    return pid;
  }
  // Child.
  int out = spec.output_fd >= 0 ? spec.output_fd : open("/dev/null", O_WRONLY);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  int in = open("/dev/null", O_RDONLY);
  if (in >= 0) {
    dup2(in, STDIN_FILENO);
  }
  setsid();  // own process group: a terminal's Ctrl-C goes to the supervisor, not here.
  if (spec.run_as) {
    if (setgroups(0, nullptr) != 0 || setgid(spec.run_as->gid) != 0 ||
        setuid(spec.run_as->uid) != 0) {
      child_fail("cannot switch to the server account");
    }
  }
  // After setuid: the kernel clears the death signal on credential changes.
  if (spec.parent_death_signal != 0) {
    prctl(PR_SET_PDEATHSIG, spec.parent_death_signal);
    if (getppid() != parent) {
      _exit(1);
    }
  }
  if (!spec.working_dir.empty() && chdir(spec.working_dir.c_str()) != 0) {
    child_fail("cannot enter the working directory");
  }
  execve(spec.program.c_str(), p.argv.data(), p.envp.data());
  child_fail("exec failed");
}

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (done < 0 && errno != EINTR) {
      return -1;  // not our child (already reaped)
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status run(const Spawn& spec, std::chrono::milliseconds timeout) {
  Result<pid_t> pid = spawn(spec);
  if (!pid.ok()) {
    return pid.error();
  }
  std::optional<int> code = wait_exit(*pid, timeout);
  if (!code) {
    kill(*pid, SIGKILL);
    wait_exit(*pid, std::chrono::seconds(5));
    return deadline_exceeded(spec.program + " did not finish in time");
  }
  if (*code != 0) {
    return internal_error(spec.program + " failed with exit code " + std::to_string(*code));
  }
  return ok_status();
}

bool process_in_dir(pid_t pid, const std::string& dir) {
  if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)) {
    return false;
  }
  std::error_code ec;
  auto cwd = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
  if (ec) {
    return false;
  }
  auto want = std::filesystem::weakly_canonical(dir, ec);
  return !ec && cwd == want;
}

}  // namespace dts::pg::detail
