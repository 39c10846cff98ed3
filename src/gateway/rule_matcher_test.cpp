#include "gateway/rule_matcher.hpp"

#include <gtest/gtest.h>

namespace dts::gateway {
namespace {

GatewayConfig config(const char* yaml) {
  auto c = parse_config(yaml, nullptr);
  if (!c.ok()) ADD_FAILURE() << c.error().message();
  return c.ok() ? std::move(c).value() : GatewayConfig{};
}

constexpr const char* kRules = R"(
target_groups:
  - {name: a, targets: ["127.0.0.1:1"]}
  - {name: b, targets: ["127.0.0.1:2"]}
rules:
  - name: canary
    priority: 5
    match: {path: {prefix: /api/core}, headers: {X-Canary: ["yes", "1"]}}
    action: {forward: b}
  - name: core
    priority: 10
    match: {path: {prefix: /api/core}}
    action: {forward: a}
  - name: exact
    priority: 10
    match: {path: {exact: /health}, method: [GET, HEAD]}
    action: {fixed_response: {status: 200, body: ok}}
  - name: pattern
    priority: 20
    match: {path: {pattern: "/files/*.csv"}}
    action: {forward: a}
  - name: host
    priority: 30
    match: {host: "*.example.com", path: /}
    action: {redirect: {status: 301, location: "https://#{host}#{path}"}}
  - name: debug
    priority: 40
    match: {query: {debug: "tr?e"}, path: {prefix: /dbg/}}
    action: {fixed_response: {status: 200}}
  - name: first-of-equals
    priority: 50
    match: {path: {prefix: /same}}
    action: {forward: a}
  - name: second-of-equals
    priority: 50
    match: {path: {prefix: /same}}
    action: {forward: b}
default_action: {fixed_response: {status: 404}}
)";

struct Case {
  const char* method;
  const char* host;
  const char* path;
  const char* query;
  const char* header;  // "Name: value" or ""
  const char* rule;
};

TEST(RuleMatcher, Table) {
  GatewayConfig c = config(kRules);
  const Case cases[] = {
      {"GET", "gw", "/api/core", "", "", "core"},
      {"GET", "gw", "/api/core/datasets", "", "", "core"},
      {"GET", "gw", "/api/corex", "", "", "default"},   // prefix stops at a segment
      {"POST", "gw", "/api/core/jobs", "", "X-Canary: yes", "canary"},
      {"POST", "gw", "/api/core/jobs", "", "x-canary: 1", "canary"},
      {"POST", "gw", "/api/core/jobs", "", "X-Canary: no", "core"},
      {"GET", "gw", "/health", "", "", "exact"},
      {"HEAD", "gw", "/health", "", "", "exact"},
      {"POST", "gw", "/health", "", "", "default"},      // method condition
      {"GET", "gw", "/health/", "", "", "default"},      // exact is exact
      {"GET", "gw", "/files/a.csv", "", "", "pattern"},
      {"GET", "gw", "/files/x/y.csv", "", "", "pattern"},  // '*' crosses '/'
      {"GET", "gw", "/files/a.csvx", "", "", "default"},
      {"GET", "app.example.com", "/", "", "", "host"},
      {"GET", "APP.EXAMPLE.COM", "/", "", "", "host"},
      {"GET", "example.com", "/", "", "", "default"},
      {"GET", "gw", "/dbg/x", "debug=true", "", "debug"},
      {"GET", "gw", "/dbg/x", "a=1&debug=trxe", "", "debug"},
      {"GET", "gw", "/dbg/x", "debug=false", "", "default"},
      {"GET", "gw", "/dbg/x", "", "", "default"},
      {"GET", "gw", "/same", "", "", "first-of-equals"},  // file order among equals
  };
  for (const auto& k : cases) {
    http::Headers h;
    std::string header = k.header;
    if (!header.empty()) {
      auto colon = header.find(':');
      h.add(header.substr(0, colon), header.substr(colon + 2));
    }
    std::string host = host_without_port(k.host);
    RequestFacts f{k.method, host, k.path, k.query, &h};
    EXPECT_EQ(select_rule(c, f).name, k.rule) << k.method << " " << k.host << k.path << "?"
                                              << k.query << " [" << k.header << "]";
  }
}

TEST(RuleMatcher, Glob) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(glob_match("?", "x"));
  EXPECT_FALSE(glob_match("?", ""));
  EXPECT_TRUE(glob_match("A*", "abc", true));
  EXPECT_FALSE(glob_match("A*", "abc", false));
  // Pathological pattern against long text stays linear-ish (no exponential backtracking).
  std::string text(20000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*b", text));
}

TEST(RuleMatcher, HostWithoutPort) {
  EXPECT_EQ(host_without_port("Example.com:8080"), "example.com");
  EXPECT_EQ(host_without_port("[::1]:8080"), "[::1]");
  EXPECT_EQ(host_without_port(""), "");
}

}  // namespace
}  // namespace dts::gateway
