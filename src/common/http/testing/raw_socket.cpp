#include "common/http/testing/raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace dts::http::testing {

RawSocket::RawSocket(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("RawSocket connect");
    std::abort();
  }
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawSocket::send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Number of complete Content-Length-framed responses at the start of `s`.
int complete_responses(const std::string& s) {
  int count = 0;
  size_t pos = 0;
  while (true) {
    size_t end = s.find("\r\n\r\n", pos);
    if (end == std::string::npos) return count;
    size_t cl = 0;
    size_t h = s.find("Content-Length: ", pos);
    if (h != std::string::npos && h < end) cl = std::strtoul(s.c_str() + h + 16, nullptr, 10);
    if (s.size() < end + 4 + cl) return count;
    pos = end + 4 + cl;
    ++count;
  }
}

}  // namespace

// Waits for readable data until `deadline` and appends one recv() to `out`; false on
// timeout, EOF or error.
bool RawSocket::recv_some(std::string& out, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[8192];
  ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
  if (r <= 0) return false;
  out.append(buf, static_cast<size_t>(r));
  return true;
}

std::string RawSocket::read_responses(int n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (complete_responses(pending_) < n && recv_some(pending_, deadline)) {
  }
  return std::move(pending_);
}

std::string RawSocket::read_until_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out = std::move(pending_);
  while (recv_some(out, deadline)) {
  }
  return out;
}

bool RawSocket::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) return false;
    char buf[4096];
    if (::recv(fd_, buf, sizeof buf, 0) <= 0) return true;  // EOF or reset
  }
  return false;
}

int count_responses(const std::string& stream) {
  int n = 0;
  for (size_t pos = stream.find("HTTP/1.1 "); pos != std::string::npos;
       pos = stream.find("HTTP/1.1 ", pos + 1)) {
    ++n;
  }
  return n;
}

int first_status(const std::string& stream) {
  size_t pos = stream.find("HTTP/1.");
  if (pos == std::string::npos || stream.size() < pos + 12) return 0;
  return std::atoi(stream.c_str() + pos + 9);
}

}  // namespace dts::http::testing
