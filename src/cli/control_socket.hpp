#pragma once
// The running `dts up` supervisor's control channel: a unix socket <home>/control.sock
// (mode 0600, so only the account that runs `dts up` can drive it). One request line,
// one reply line, then the connection closes. Commands (used by `dts deploy --rolling`):
//
//   list SERVICE          -> "ok PORT[,PORT...]"   instances of SERVICE
//   spawn SERVICE         -> "ok PORT"             start one more instance on a free port
//   retire SERVICE PORT   -> "ok"                  stop that instance for good (no restart)
//   gateway-admin         -> "ok PORT TOKEN"       where the gateway's admin API listens
//
// Errors reply "error <message>". The server side is non-blocking and polled from the
// supervisor's loop; a request must arrive within 1 s of connecting.

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace dts::cli {

class ControlSocket {
 public:
  ControlSocket() = default;
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  Status listen(const std::string& path);
  int fd() const { return fd_; }
  // Accepts one pending connection and reads its request line; returns the client fd
  // (to reply on) and the line, or -1 when nothing usable arrived.
  int accept_request(std::string& line);
  static void reply(int client_fd, const std::string& text);

 private:
  int fd_ = -1;
  std::string path_;
};

// Client side: sends `line`, returns the reply line.
Result<std::string> control_request(const std::string& path, const std::string& line,
                                    std::chrono::milliseconds timeout);

}  // namespace dts::cli
