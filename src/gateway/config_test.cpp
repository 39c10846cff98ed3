#include "gateway/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace dts::gateway {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(const char* yaml, uint64_t cap = uint64_t{1} << 40) {
  auto c = parse_config(yaml, env_of({}), cap);
  return c.ok() ? std::string("(accepted)") : c.error().message();
}

TEST(GatewayConfig, ParsesAFullFile) {
  auto c = parse_config(R"(
max_body_bytes: 2MiB
target_groups:
  - name: core
    algorithm: least_outstanding_requests
    targets: ["127.0.0.1:${CORE_PORT:-9002}", "localhost:9102"]
    health_check: {path: /readyz, interval: 1s, timeout: 500ms, healthy_threshold: 3,
                   unhealthy_threshold: 4, matcher: "200,204-299"}
    slow_start: 30s
    deregistration_delay: 5s
    ejection: {consecutive_failures: 2, duration: 3s}
    fail_open: false
  - name: canary
    targets: 127.0.0.1:9202
rules:
  - name: core
    priority: 20
    match: {path: {prefix: /api/core}}
    protected: true
    max_body_bytes: 1GiB
    timeout: 90s
    action:
      forward:
        - {group: core, weight: 90}
        - {group: canary, weight: 10}
  - name: auth
    priority: 10
    match: {path: [{prefix: /auth}, /login]}
    strip_prefix: /auth
    action: {forward: core}
default_action: {static: {}}
cors: {allowed_origins: ["https://app.example.com"]}
)",
                        env_of({{"CORE_PORT", "19002"}}));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_EQ(c->groups.size(), 2u);
  const auto& core = c->groups[0];
  EXPECT_EQ(core.algorithm, Algorithm::kLeastOutstanding);
  ASSERT_EQ(core.targets.size(), 2u);
  EXPECT_EQ(core.targets[0].id(), "127.0.0.1:19002");
  EXPECT_EQ(core.health.path, "/readyz");
  EXPECT_EQ(core.health.interval.count(), 1000);
  EXPECT_EQ(core.health.healthy_threshold, 3);
  ASSERT_EQ(core.health.matcher.size(), 2u);
  EXPECT_EQ(core.health.matcher[1].low, 204u);
  EXPECT_EQ(core.slow_start.count(), 30000);
  EXPECT_EQ(core.ejection_failures, 2);
  EXPECT_EQ(c->groups[1].targets[0].port, 9202);
  EXPECT_FALSE(core.fail_open);
  EXPECT_TRUE(c->groups[1].fail_open) << "ALB's default: fail open";
  // Sorted by priority.
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_EQ(c->rules[0].name, "auth");
  EXPECT_EQ(c->rules[0].match.paths.size(), 2u);
  EXPECT_EQ(c->rules[0].match.paths[1].kind, PathMatchKind::kExact);
  EXPECT_EQ(c->rules[0].max_body_bytes, 2u * 1024 * 1024);  // the file's default
  EXPECT_EQ(c->rules[1].max_body_bytes, uint64_t{1} << 30);
  EXPECT_TRUE(c->rules[1].protected_route);
  EXPECT_EQ(c->rules[1].action.forward[1].weight, 10u);
  EXPECT_EQ(c->rules[1].timeout->count(), 90000);
  EXPECT_EQ(c->default_rule.action.kind, ActionKind::kStatic);
  EXPECT_EQ(c->cors.allowed_origins.size(), 1u);
}

TEST(GatewayConfig, ErrorsNameTheField) {
  EXPECT_NE(error_of("rules: [{name: r, action: {forward: nope}}]")
                .find("rules[0].action.forward[0].group: unknown target group \"nope\""),
            std::string::npos);
  EXPECT_NE(error_of("target_groups: [{name: g, targets: [\"127.0.0.1:99999\"]}]")
                .find("target_groups[0].targets[0]: port must be 1-65535"),
            std::string::npos);
  EXPECT_NE(error_of("target_groups: [{name: g, health_check: {interval: 5}}]")
                .find("target_groups[0].health_check.interval"),
            std::string::npos);
  EXPECT_NE(error_of("target_groups: [{name: g, algoritm: round_robin}]")
                .find("target_groups[0].algoritm: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, match: {path: {regex: x}}, action: {static: {}}}]")
                .find("rules[0].match.path.regex: must be exact, prefix or pattern"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, match: {path: relative}, action: {static: {}}}]")
                .find("rules[0].match.path: must start with '/'"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, action: {redirect: {status: 300, location: /x}}}]")
                .find("rules[0].action.redirect.status"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, action: {static: {}}}, {name: r, action: {static: {}}}]")
                .find("rules[1].name: duplicate rule"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, max_body_bytes: 2GiB, action: {static: {}}}]", 1 << 30)
                .find("rules[0].max_body_bytes: over the gateway's cap"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r, action: {forward: g, static: {}}}]")
                .find("rules[0].action: must be exactly one of"),
            std::string::npos);
  EXPECT_NE(error_of("rules: [{name: r}]").find("rules[0].action"), std::string::npos);
  EXPECT_NE(error_of("target_groups: [{name: g, fail_open: maybe}]")
                .find("target_groups[0].fail_open"),
            std::string::npos);
  EXPECT_NE(error_of("target_groups: [{name: g, fail_open: [true]}]")
                .find("target_groups[0].fail_open: must be a scalar"),
            std::string::npos);
  EXPECT_NE(error_of("cors: {allowed_origins: ['*']}").find("cors.allowed_origins"),
            std::string::npos);
}

TEST(GatewayConfig, ReportsEveryProblemAtOnce) {
  std::string e = error_of(R"(
target_groups: [{name: "bad name", targets: ["x"]}]
rules: [{name: r, action: {forward: missing}}]
)");
  EXPECT_NE(e.find("target_groups[0].name"), std::string::npos) << e;
  EXPECT_NE(e.find("target_groups[0].targets[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("rules[0].action.forward[0].group"), std::string::npos) << e;
}

TEST(GatewayConfig, HostileInput) {
  EXPECT_NE(error_of("rules: [").find("YAML syntax error"), std::string::npos);
  EXPECT_NE(error_of("- a\n- b").find("must be a mapping"), std::string::npos);
  EXPECT_NE(error_of("rules: {a: 1}").find("rules: must be a list"), std::string::npos);
  EXPECT_NE(error_of("target_groups: [[[]]]").find("target_groups[0]"), std::string::npos);
  EXPECT_NE(error_of("x: ${UNSET_VARIABLE}").find("UNSET_VARIABLE"), std::string::npos);
  EXPECT_NE(error_of("x: ${OPEN").find("unterminated"), std::string::npos);
  std::string huge(5 * 1024 * 1024, '#');
  EXPECT_FALSE(parse_config(huge, nullptr).ok());
  EXPECT_NE(error_of("a: &a [1]\nb: *a\n").find("a: unknown field"), std::string::npos);
  EXPECT_NE(error_of("").find("must be a mapping"), std::string::npos);
}

TEST(GatewayConfig, EmptyConfigIsA404Default) {
  auto c = parse_config("{}", nullptr);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_TRUE(c->rules.empty());
  EXPECT_EQ(c->default_rule.action.kind, ActionKind::kFixedResponse);
  EXPECT_EQ(c->default_rule.action.fixed.status, 404u);
}

TEST(GatewayConfig, TargetAddress) {
  EXPECT_TRUE(parse_target_address("127.0.0.1:80").ok());
  EXPECT_TRUE(parse_target_address("core.internal:9002").ok());
  EXPECT_FALSE(parse_target_address("127.0.0.1").ok());
  EXPECT_FALSE(parse_target_address(":80").ok());
  EXPECT_FALSE(parse_target_address("h:0").ok());
  EXPECT_FALSE(parse_target_address("h:-1").ok());
  EXPECT_FALSE(parse_target_address("h:123456").ok());
  EXPECT_FALSE(parse_target_address("h/x:80").ok());
}

TEST(GatewayConfig, DefaultFileIsValid) {
  auto c = load_config(std::string(DTS_SOURCE_DIR) + "/deploy/gateway.yaml", nullptr);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_GE(c->rules.size(), 4u);
}

}  // namespace
}  // namespace dts::gateway
