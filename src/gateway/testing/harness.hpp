#pragma once
// Test helpers for the gateway: an in-process gateway on 127.0.0.1:<free port> in front
// of real upstream servers, and a blocking one-shot HTTP client. Header-only (tests only).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "common/http/testing/raw_socket.hpp"
#include "common/http/testing/test_server.hpp"
#include "gateway/gateway.hpp"
#include "gateway/health_monitor.hpp"

namespace dts::gateway::testing {

namespace asio = boost::asio;
using http::testing::RawSocket;
using http::testing::TestServer;

inline http::ServerOptions gateway_server_options() {
  http::ServerOptions o = TestServer::small_options();
  o.max_body_bytes = uint64_t{1} << 30;
  o.body_timeout = std::chrono::milliseconds(10'000);
  o.header_timeout = std::chrono::milliseconds(2'000);
  o.idle_timeout = std::chrono::milliseconds(5'000);
  return o;
}

class GatewayHarness {
 public:
  explicit GatewayHarness(const std::string& yaml,
                          std::map<std::string, std::string> env = {},
                          http::UpstreamOptions upstream = {})
      : server_(gateway_server_options()) {
    GatewayOptions opt;
    opt.upstream = upstream;
    opt.env = [env](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    opt.web_root = "/nonexistent";
    env_ = opt.env;
    gateway_ = std::make_unique<Gateway>(opt, server_.server().executor(), server_.metrics());
    auto cfg = parse_config(yaml, opt.env);
    if (!cfg.ok()) {
      ADD_FAILURE() << cfg.error().message();
    } else {
      gateway_->apply(std::move(cfg).value());
    }
    server_.server().set_stream_handler(
        [g = gateway_.get()](http::Request& r, http::BodyReader& b, http::ResponseWriter& w) {
          return g->handle(r, b, w);
        });
    monitor_ = std::make_unique<HealthMonitor>(*gateway_, server_.server().executor(),
                                               std::chrono::milliseconds(10));
    monitor_->start();
    port_ = server_.start();
  }
  ~GatewayHarness() {
    monitor_->stop();
    server_.stop_and_join();
  }

  Status reconfigure(const std::string& yaml) {
    auto cfg = parse_config(yaml, env_);
    if (!cfg.ok()) return cfg.error();
    gateway_->apply(std::move(cfg).value());
    return ok_status();
  }

  Gateway& gateway() { return *gateway_; }
  uint16_t port() const { return port_; }
  metrics::Registry& metrics() { return server_.metrics(); }

 private:
  TestServer server_;
  EnvLookup env_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HealthMonitor> monitor_;
  uint16_t port_ = 0;
};

// An upstream service: /echo answers what it received as JSON; /status/{code};
// /slow?ms=N; /healthz switchable; counts requests.
class Upstream {
 public:
  explicit Upstream(std::string name = "up") : name_(std::move(name)), server_(options()) {
    auto& r = server_.router();
    r.add("*", "/echo", [this](http::Request& req) -> asio::awaitable<Result<http::Response>> {
      ++requests_;
      co_return http::Response::json(echo(req));
    });
    r.add("*", "/echo/{rest...}", [this](http::Request& req) -> asio::awaitable<Result<http::Response>> {
      ++requests_;
      co_return http::Response::json(echo(req));
    });
    r.add("*", "/x/{rest...}", [this](http::Request& req) -> asio::awaitable<Result<http::Response>> {
      ++requests_;
      co_return http::Response::json(echo(req));
    });
    r.add("GET", "/status/{code}", [this](http::Request& req) -> asio::awaitable<Result<http::Response>> {
      ++requests_;
      http::Response res = http::Response::text(name_);
      res.status = static_cast<unsigned>(std::atoi(std::string(req.param("code")).c_str()));
      co_return res;
    });
    r.add("GET", "/slow", [this](http::Request& req) -> asio::awaitable<Result<http::Response>> {
      ++requests_;
      int ms = std::atoi(req.query_param("ms").value_or("100").c_str());
      auto executor = co_await asio::this_coro::executor;
      asio::steady_timer t(executor, std::chrono::milliseconds(ms));
      co_await t.async_wait(asio::use_awaitable);
      co_return http::Response::text(name_);
    });
    r.add("GET", "/health", [this](http::Request&) -> asio::awaitable<Result<http::Response>> {
      http::Response res = http::Response::text(healthy_ ? "ok" : "down");
      res.status = healthy_ ? 200 : 503;
      co_return res;
    });
  }

  static http::ServerOptions options() {
    http::ServerOptions o = TestServer::small_options();
    o.max_body_bytes = 1024 * 1024;
    return o;
  }

  boost::json::object echo(const http::Request& req) {
    boost::json::object headers;
    for (const auto& [n, v] : req.headers) {
      std::string key = n;
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (headers.contains(key)) {
        headers[key] = std::string(headers[key].as_string()) + "|" + v;
      } else {
        headers[key] = v;
      }
    }
    return boost::json::object{{"upstream", name_},
                               {"method", req.method},
                               {"target", req.target},
                               {"body", req.body},
                               {"headers", std::move(headers)}};
  }

  uint16_t start() { return port_ = server_.start(); }
  void stop() { server_.stop_and_join(); }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  void set_healthy(bool h) { healthy_ = h; }
  TestServer& server() { return server_; }

 private:
  std::string name_;
  TestServer server_;
  uint16_t port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<bool> healthy_{true};
};

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
  std::string header(const std::string& name) const {
    std::string lower_head = head;
    for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = "\r\n";
    for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    key += ": ";
    size_t pos = lower_head.find(key);
    if (pos == std::string::npos) return {};
    size_t start = pos + key.size();
    return head.substr(start, head.find("\r\n", start) - start);
  }
};

// One request on a fresh connection ("Connection: close"); `extra` is raw header lines.
inline Reply send(uint16_t port, const std::string& method, const std::string& target,
                  const std::string& extra = "", const std::string& body = "",
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  RawSocket s(port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n" +
                    extra;
  if (!body.empty() || method == "POST" || method == "PUT") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  s.send(req);
  std::string raw = s.read_until_close(timeout);
  Reply r;
  r.status = http::testing::first_status(raw);
  size_t end = raw.find("\r\n\r\n");
  r.head = raw.substr(0, end == std::string::npos ? raw.size() : end);
  r.body = end == std::string::npos ? "" : raw.substr(end + 4);
  return r;
}

inline std::string target_group_yaml(const std::string& name,
                                     const std::vector<std::string>& targets,
                                     const std::string& extra = "") {
  std::string t;
  for (const auto& a : targets) t += (t.empty() ? "" : ", ") + ("\"" + a + "\"");
  return "  - name: " + name + "\n    targets: [" + t + "]\n" +
         "    health_check: {enabled: false}\n" + extra;
}

}  // namespace dts::gateway::testing
