#include "cli/control_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dts::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxLine = 1024;

bool fill_address(const std::string& path, sockaddr_un& addr) {
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

// Reads up to '\n' (not included) within the deadline.
bool read_line(int fd, std::string& out, Clock::time_point deadline) {
  char buf[256];
  while (out.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxLine) return false;
  }
  out.resize(out.find('\n'));
  return true;
}

}  // namespace

ControlSocket::~ControlSocket() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status ControlSocket::listen(const std::string& path) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) return invalid_argument("control socket path too long: " + path);
  ::unlink(path.c_str());  // a stale socket of a killed supervisor (the lock says we own it)
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return unavailable(std::string("control socket: ") + std::strerror(errno));
  mode_t old = ::umask(0177);  // created 0600
  int rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0 || ::listen(fd_, 16) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return unavailable("control socket " + path + ": " + err);
  }
  path_ = path;
  return ok_status();
}

int ControlSocket::accept_request(std::string& line) {
  int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return -1;
  line.clear();
  if (!read_line(client, line, Clock::now() + std::chrono::seconds(1))) {
    ::close(client);
    return -1;
  }
  return client;
}

void ControlSocket::reply(int client_fd, const std::string& text) {
  std::string out = text + "\n";
  (void)::send(client_fd, out.data(), out.size(), MSG_NOSIGNAL);
  ::close(client_fd);
}

Result<std::string> control_request(const std::string& path, const std::string& line,
                                    std::chrono::milliseconds timeout) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) return invalid_argument("control socket path too long");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unavailable(std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return unavailable("cannot reach the `dts up` supervisor at " + path + ": " + err);
  }
  std::string out = line + "\n";
  if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) {
    ::close(fd);
    return unavailable("control request not sent");
  }
  std::string reply;
  bool ok = read_line(fd, reply, Clock::now() + timeout);
  ::close(fd);
  if (!ok) return deadline_exceeded("no answer from the supervisor");
  if (reply.rfind("ok", 0) == 0) return reply.size() > 3 ? reply.substr(3) : std::string();
  return failed_precondition(reply.rfind("error ", 0) == 0 ? reply.substr(6) : reply);
}

}  // namespace dts::cli
