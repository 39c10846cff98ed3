// The gateway as a reverse proxy, end to end over real sockets: rules and actions, header
// rewriting, request smuggling defences, error answers.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/testing/harness.hpp"

namespace dts::gateway {
namespace {

using namespace testing;
using namespace std::chrono_literals;

boost::json::object json_of(const Reply& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not JSON: " << r.head << "\n" << r.body;
    return {};
  }
  return v.as_object();
}

std::string config_for(const Upstream& a) {
  return "target_groups:\n" + target_group_yaml("a", {a.address()}) + R"(
rules:
  - name: api
    match: {path: {prefix: /api/a}}
    strip_prefix: /api/a
    max_body_bytes: 1KiB
    action: {forward: a}
  - name: echo
    match: {path: {prefix: /echo}}
    action: {forward: a}
  - name: fixed
    match: {path: /fixed, method: GET}
    action: {fixed_response: {status: 418, content_type: text/plain, body: teapot}}
  - name: moved
    match: {path: {prefix: /old}}
    action: {redirect: {status: 301, location: "http://#{host}/new#{path}?#{query}"}}
  - name: protected
    match: {path: {prefix: /secure}}
    strip_prefix: /secure
    protected: true
    action: {forward: a}
default_action: {fixed_response: {status: 404}}
cors: {allowed_origins: ["http://app.test"]}
)";
}

class ProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.start();
    gw_ = std::make_unique<GatewayHarness>(config_for(upstream_));
  }
  Upstream upstream_{"a"};
  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(ProxyTest, ForwardsWithRewrittenHeaders) {
  Reply r = send(gw_->port(), "GET", "/api/a/echo/x?q=1&r=2",
                 "X-Forwarded-For: 10.0.0.9\r\nX-Dts-Principal: admin\r\nx-dts-tenant: t1\r\n"
                 "Connection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: 5\r\n"
                 "X-Request-Id: req-abc-123\r\nX-Custom: kept\r\n");
  ASSERT_EQ(r.status, 200) << r.head << r.body;
  auto j = json_of(r);
  EXPECT_EQ(j["target"].as_string(), "/echo/x?q=1&r=2");  // prefix stripped, query kept
  auto& h = j["headers"].as_object();
  EXPECT_EQ(h["x-forwarded-for"].as_string(), "10.0.0.9, 127.0.0.1");
  EXPECT_EQ(h["x-forwarded-proto"].as_string(), "http");
  EXPECT_EQ(h["x-forwarded-host"].as_string(), "gw.test");
  EXPECT_EQ(h["host"].as_string(), "gw.test");
  EXPECT_EQ(h["x-request-id"].as_string(), "req-abc-123");
  EXPECT_EQ(h["x-custom"].as_string(), "kept");
  EXPECT_TRUE(h.contains("traceparent"));
  EXPECT_FALSE(h.contains("x-dts-principal"));
  EXPECT_FALSE(h.contains("x-dts-tenant"));
  EXPECT_FALSE(h.contains("x-secret-hop"));
  EXPECT_FALSE(h.contains("keep-alive"));
  EXPECT_EQ(r.header("X-Request-Id"), "req-abc-123");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(ProxyTest, ForwardsBodiesAndKeepsConnectionsAlive) {
  RawSocket s(gw_->port());
  std::string req =
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello"
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
      "GET /echo HTTP/1.1\r\nHost: gw\r\n\r\n";
  s.send(req);
  std::string out = s.read_responses(3);
  EXPECT_EQ(http::testing::count_responses(out), 3) << out;
  EXPECT_NE(out.find("\"body\":\"hello\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"body\":\"abcde\""), std::string::npos) << out;
}

TEST_F(ProxyTest, FixedResponseRedirectAndDefault) {
  Reply fixed = send(gw_->port(), "GET", "/fixed");
  EXPECT_EQ(fixed.status, 418);
  EXPECT_EQ(fixed.body, "teapot");
  Reply moved = send(gw_->port(), "GET", "/old/a//b/../c?x=1");
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.header("Location"), "http://gw.test/new/old/a/c?x=1");
  Reply none = send(gw_->port(), "GET", "/nothing/here");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.header("Content-Type"), "application/problem+json");
  EXPECT_NE(none.body.find("request_id"), std::string::npos);
  EXPECT_EQ(upstream_.requests(), 0);
}

TEST_F(ProxyTest, PathIsNormalizedBeforeMatching) {
  // A dot-segment trick must not dodge the rule it resolves to, nor an upstream see it.
  Reply r = send(gw_->port(), "GET", "/nothing/../api/a/./echo//x");
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(json_of(r)["target"].as_string(), "/echo/x");
  EXPECT_EQ(send(gw_->port(), "GET", "/api/a/echo%2F..%2F..%2Fsecure").status, 400);
  EXPECT_EQ(send(gw_->port(), "GET", "/../api/a/echo").status, 400);
  EXPECT_EQ(send(gw_->port(), "GET", "/%73ecure/x").status, 503);  // = /secure: protected
}

TEST_F(ProxyTest, ProtectedRoutesFailClosedWithoutEnforcer) {
  Reply r = send(gw_->port(), "GET", "/secure/echo");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(upstream_.requests(), 0);
}

TEST_F(ProxyTest, EnforcerDecidesAndAddsHeaders) {
  gw_->gateway().set_enforcer(
      [](const http::Request& req, const std::string& path,
         const std::string&) -> asio::awaitable<EnforcementResult> {
        EnforcementResult r;
        if (req.header("Authorization") == "Bearer good") {
          r.allow = true;
          r.upstream_headers.set("X-Dts-Principal", "alice");
          r.upstream_headers.set("X-Dts-Path", path);
          r.principal = "alice";
        } else {
          r.status = 401;
          r.detail = "token required";
          r.response_headers.set("WWW-Authenticate", "Bearer");
        }
        co_return r;
      });
  Reply denied = send(gw_->port(), "GET", "/secure/../secure/x", "X-Dts-Principal: mallory\r\n");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(upstream_.requests(), 0);
  Reply ok = send(gw_->port(), "GET", "/secure/x/y",
                  "Authorization: Bearer good\r\nX-Dts-Principal: mallory\r\n");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto h = json_of(ok)["headers"].as_object();
  EXPECT_EQ(h["x-dts-principal"].as_string(), "alice");  // the PEP's, never the client's
  EXPECT_EQ(h["x-dts-path"].as_string(), "/secure/x/y");
  EXPECT_EQ(upstream_.requests(), 1);
}

TEST_F(ProxyTest, BodyLimitPerRule) {
  std::string big(2000, 'x');
  Reply r = send(gw_->port(), "POST", "/api/a/echo", "", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(upstream_.requests(), 0);
  // Chunked bodies are counted as they stream.
  RawSocket s(gw_->port());
  std::string chunk(1000, 'y');
  char size_line[16];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  s.send("POST /api/a/echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n" +
         std::string(size_line) + chunk + "\r\n" + size_line + chunk + "\r\n0\r\n\r\n");
  std::string out = s.read_until_close(5s);
  EXPECT_EQ(http::testing::first_status(out), 413) << out;
}

TEST_F(ProxyTest, CorsPreflightAndHeaders) {
  Reply pre = send(gw_->port(), "OPTIONS", "/api/a/echo",
                   "Origin: http://app.test\r\nAccess-Control-Request-Method: POST\r\n");
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "http://app.test");
  EXPECT_NE(pre.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  Reply other = send(gw_->port(), "GET", "/api/a/echo", "Origin: http://evil.test\r\n");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
  Reply same = send(gw_->port(), "GET", "/api/a/echo", "Origin: http://app.test\r\n");
  EXPECT_EQ(same.header("Access-Control-Allow-Origin"), "http://app.test");
  EXPECT_EQ(same.header("Access-Control-Allow-Credentials"), "true");
}

// Each of these must be refused with 400 (or the connection closed) and never reach the
// upstream: two hops reading the framing differently is how requests get smuggled.
TEST_F(ProxyTest, SmugglingAttemptsAreRejected) {
  const char* attacks[] = {
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 4, 5\r\n\r\nabcde",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip\r\n\r\nabcd",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: -1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 0x10\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n3;\x01\r\nabc\r\n0\r\n\r\n",
      "GET /echo HTTP/1.1\r\n\r\n",
      "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET http://evil.test/echo HTTP/1.1\r\nHost: gw\r\n\r\n",
      "GET /echo HTTP/1.1\r\nHost: gw\r\n X-Folded: yes\r\n\r\n",
      "GET /echo HTTP/1.1\r\nHost: gw\r\nX-Bad\x01Name: 1\r\n\r\n",
  };
  for (const char* attack : attacks) {
    RawSocket s(gw_->port());
    s.send(attack);
    std::string out = s.read_until_close(3s);
    int status = http::testing::first_status(out);
    EXPECT_TRUE(status == 400 || status == 0) << "status " << status << " for:\n" << attack
                                              << "\n---\n" << out;
    EXPECT_EQ(http::testing::count_responses(out), status == 0 ? 0 : 1) << attack;
  }
  EXPECT_EQ(upstream_.requests(), 0);
}

TEST_F(ProxyTest, UpstreamErrorsAreProblemJson) {
  // 502: nothing listens; 504: the upstream is too slow; 503: no healthy target.
  Upstream slow("slow");
  slow.start();
  auto dead_port = [] {
    Upstream u;
    u.start();
    uint16_t p = u.port();
    u.stop();
    return p;
  }();
  ASSERT_TRUE(gw_->reconfigure(
                     "target_groups:\n" +
                     target_group_yaml("dead", {"127.0.0.1:" + std::to_string(dead_port)}) +
                     target_group_yaml("slow", {slow.address()}) +
                     "  - {name: empty, health_check: {enabled: false}}\n"
                     "rules:\n"
                     "  - {name: dead, match: {path: {prefix: /dead}}, action: {forward: dead}}\n"
                     "  - {name: slow, timeout: 200ms, match: {path: {prefix: /slow}}, "
                     "action: {forward: slow}}\n"
                     "  - {name: empty, match: {path: {prefix: /empty}}, action: {forward: empty}}\n")
                  .ok());
  Reply bad = send(gw_->port(), "GET", "/dead");
  EXPECT_EQ(bad.status, 502);
  Reply timeout = send(gw_->port(), "GET", "/slow?ms=2000");
  EXPECT_EQ(timeout.status, 504);
  Reply none = send(gw_->port(), "GET", "/empty");
  EXPECT_EQ(none.status, 503);
  for (const Reply* r : {&bad, &timeout, &none}) {
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json") << r->head;
    auto j = json_of(*r);
    EXPECT_EQ(j["status"].as_int64(), r->status);
    EXPECT_EQ(j["request_id"].as_string(), r->header("X-Request-Id"));
  }
  EXPECT_EQ(send(gw_->port(), "GET", "/slow?ms=10").status, 200);
}

TEST_F(ProxyTest, ReloadKeepsOpenConnections) {
  RawSocket s(gw_->port());
  s.send("GET /fixed HTTP/1.1\r\nHost: gw\r\n\r\n");
  std::string first = s.read_responses(1);
  EXPECT_EQ(http::testing::first_status(first), 418);
  ASSERT_TRUE(gw_->reconfigure("rules:\n  - {name: fixed, match: {path: /fixed}, action: "
                               "{fixed_response: {status: 200, body: reloaded}}}\n")
                  .ok());
  s.send("GET /fixed HTTP/1.1\r\nHost: gw\r\n\r\n");
  std::string second = s.read_responses(1);
  EXPECT_EQ(http::testing::first_status(second), 200) << second;
  EXPECT_NE(second.find("reloaded"), std::string::npos);
  EXPECT_FALSE(gw_->reconfigure("rules: [{name: x, action: {forward: missing}}]").ok());
}

}  // namespace
}  // namespace dts::gateway
