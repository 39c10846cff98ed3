// Large bodies stream through the gateway in both directions without being held whole:
// 64 MiB up and 64 MiB down, with the process's peak memory growing far less than that.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "gateway/testing/harness.hpp"

namespace dts::gateway {
namespace {

using namespace testing;
using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__)
// Under ASan the memory bound is not checked and 64 MiB takes about a minute per direction
// (timing out on a busy machine); 16 MiB still crosses every buffer many times.
constexpr uint64_t kBig = 16ull * 1024 * 1024;
#else
constexpr uint64_t kBig = 64ull * 1024 * 1024;
#endif

// Peak resident memory of this process (VmHWM), in bytes.
uint64_t peak_rss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

char pattern_byte(uint64_t i) { return static_cast<char>('a' + (i * 7 + i / 4096) % 26); }

// Upstream that streams: POST counts and checks the body, GET /download?n= sends n bytes.
class StreamingUpstream {
 public:
  StreamingUpstream() : server_(options()) {
    server_.server().set_stream_handler(
        [this](http::Request& req, http::BodyReader& body,
               http::ResponseWriter& out) -> asio::awaitable<http::StreamOutcome> {
          http::StreamOutcome o;
          if (req.method == "POST") {
            std::vector<char> buf(32 * 1024);
            uint64_t total = 0;
            bool intact = true;
            while (true) {
              auto n = co_await body.read(std::span<char>(buf.data(), buf.size()));
              if (!n.ok()) {
                o.response = http::Response::text(n.error().message(), 400);
                co_return o;
              }
              if (*n == 0) break;
              for (size_t i = 0; i < *n; ++i) intact = intact && buf[i] == pattern_byte(total + i);
              total += *n;
            }
            o.response = http::Response::text(std::to_string(total) + (intact ? " intact" : " corrupt"));
            co_return o;
          }
          uint64_t n = std::stoull(req.query_param("n").value_or("0"));
          http::Headers h;
          h.set("Content-Type", "application/octet-stream");
          bool chunked = req.query_param("chunked").has_value();
          Status head = co_await out.write_head(200, h, chunked ? std::nullopt : std::optional<uint64_t>(n));
          if (!head.ok()) co_return o;
          std::string chunk(64 * 1024, 0);
          uint64_t sent = 0;
          while (sent < n) {
            size_t len = static_cast<size_t>(std::min<uint64_t>(chunk.size(), n - sent));
            for (size_t i = 0; i < len; ++i) chunk[i] = pattern_byte(sent + i);
            Status w = co_await out.write(std::string_view(chunk.data(), len));
            if (!w.ok()) co_return o;
            sent += len;
          }
          Status fin = co_await out.finish();
          (void)fin;
          o.status = 200;
          co_return o;
        });
    port_ = server_.start();
  }
  static http::ServerOptions options() {
    http::ServerOptions o = gateway_server_options();
    return o;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  TestServer server_;
  uint16_t port_;
};

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Reads the whole response, keeping only the head and a count of body bytes and whether
// the body matches the pattern (for Content-Length framed answers).
struct Counted {
  std::string head;
  uint64_t body_bytes = 0;
  bool intact = true;
  std::string small_body;
};

Counted read_counting(int fd, std::chrono::seconds timeout) {
  Counted c;
  std::string buf(256 * 1024, 0);
  bool in_body = false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
    if (r <= 0) break;
    size_t off = 0;
    if (!in_body) {
      c.head.append(buf.data(), static_cast<size_t>(r));
      size_t end = c.head.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      in_body = true;
      std::string rest = c.head.substr(end + 4);
      c.head.resize(end);
      for (size_t i = 0; i < rest.size(); ++i) {
        c.intact = c.intact && rest[i] == pattern_byte(c.body_bytes + i);
      }
      c.body_bytes += rest.size();
      if (c.small_body.size() < 4096) c.small_body += rest;
      continue;
    }
    for (size_t i = off; i < static_cast<size_t>(r); ++i) {
      c.intact = c.intact && buf[i] == pattern_byte(c.body_bytes + i - off);
    }
    if (c.small_body.size() < 4096) c.small_body.append(buf.data(), std::min<size_t>(r, 4096));
    c.body_bytes += static_cast<uint64_t>(r);
  }
  return c;
}

std::string config(const StreamingUpstream& up) {
  return "target_groups:\n" + target_group_yaml("big", {up.address()}) +
         "rules:\n  - {name: big, max_body_bytes: 128MiB, match: {path: {prefix: /}}, "
         "action: {forward: big}}\n";
}

TEST(GatewayStreaming, LargeUploadStreamsWithBoundedMemory) {
  StreamingUpstream up;
  GatewayHarness gw(config(up));
  [[maybe_unused]] uint64_t before = peak_rss();  // unused when the check is off (ASan)
  int fd = connect_to(gw.port());
  ASSERT_GE(fd, 0);
  std::string head = "POST /upload HTTP/1.1\r\nHost: gw\r\nConnection: close\r\nContent-Length: " +
                     std::to_string(kBig) + "\r\n\r\n";
  ASSERT_TRUE(send_all(fd, head.data(), head.size()));
  std::string chunk(1024 * 1024, 0);
  for (uint64_t sent = 0; sent < kBig; sent += chunk.size()) {
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = pattern_byte(sent + i);
    ASSERT_TRUE(send_all(fd, chunk.data(), chunk.size()));
  }
  Counted c = read_counting(fd, 60s);
  ::close(fd);
  EXPECT_NE(c.head.find(" 200 "), std::string::npos) << c.head;
  EXPECT_EQ(c.small_body, std::to_string(kBig) + " intact");
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(peak_rss() - before, 24ull * 1024 * 1024) << "the body was buffered";
#endif
}

TEST(GatewayStreaming, LargeChunkedUploadStreams) {
  StreamingUpstream up;
  GatewayHarness gw(config(up));
  int fd = connect_to(gw.port());
  ASSERT_GE(fd, 0);
  std::string head =
      "POST /upload HTTP/1.1\r\nHost: gw\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(send_all(fd, head.data(), head.size()));
  const uint64_t total = 16ull * 1024 * 1024;
  std::string chunk(256 * 1024, 0);
  for (uint64_t sent = 0; sent < total; sent += chunk.size()) {
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = pattern_byte(sent + i);
    char line[32];
    int n = std::snprintf(line, sizeof line, "%zx\r\n", chunk.size());
    ASSERT_TRUE(send_all(fd, line, static_cast<size_t>(n)));
    ASSERT_TRUE(send_all(fd, chunk.data(), chunk.size()));
    ASSERT_TRUE(send_all(fd, "\r\n", 2));
  }
  ASSERT_TRUE(send_all(fd, "0\r\n\r\n", 5));
  Counted c = read_counting(fd, 60s);
  ::close(fd);
  EXPECT_EQ(c.small_body, std::to_string(total) + " intact") << c.head;
}

TEST(GatewayStreaming, LargeDownloadStreamsWithBoundedMemory) {
  StreamingUpstream up;
  GatewayHarness gw(config(up));
  [[maybe_unused]] uint64_t before = peak_rss();  // unused when the check is off (ASan)
  int fd = connect_to(gw.port());
  ASSERT_GE(fd, 0);
  std::string req = "GET /download?n=" + std::to_string(kBig) +
                    " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(send_all(fd, req.data(), req.size()));
  Counted c = read_counting(fd, 60s);
  ::close(fd);
  EXPECT_NE(c.head.find(" 200 "), std::string::npos) << c.head;
  EXPECT_NE(c.head.find("Content-Length: " + std::to_string(kBig)), std::string::npos) << c.head;
  EXPECT_EQ(c.body_bytes, kBig);
  EXPECT_TRUE(c.intact);
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(peak_rss() - before, 24ull * 1024 * 1024) << "the body was buffered";
#endif
}

TEST(GatewayStreaming, ChunkedDownloadIsRelayedChunked) {
  StreamingUpstream up;
  GatewayHarness gw(config(up));
  Reply r = send(gw.port(), "GET", "/download?n=100000&chunked=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_GT(r.body.size(), 100000u);  // payload plus chunk framing
}

TEST(GatewayStreaming, ClientVanishingMidUploadDoesNotHurtTheGateway) {
  StreamingUpstream up;
  GatewayHarness gw(config(up));
  for (int i = 0; i < 5; ++i) {
    int fd = connect_to(gw.port());
    std::string head = "POST /upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 10000000\r\n\r\n";
    send_all(fd, head.data(), head.size());
    std::string part(100000, 'a');
    send_all(fd, part.data(), part.size());
    ::close(fd);
  }
  Reply r = send(gw.port(), "GET", "/download?n=10");
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace dts::gateway
