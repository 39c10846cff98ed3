// Load balancing end to end: a target killed under load is ejected and the requests
// succeed on the others; failing health checks take a target out and recovery brings it
// back; deregistration drains in-flight requests; weighted canaries; the admin API.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "gateway/admin_api.hpp"
#include "gateway/testing/harness.hpp"

namespace dts::gateway {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::string two_targets(const Upstream& a, const Upstream& b, const std::string& extra = "") {
  return "target_groups:\n" + target_group_yaml("g", {a.address(), b.address()}, extra) +
         "rules:\n  - {name: all, match: {path: {prefix: /}}, action: {forward: g}}\n";
}

TEST(GatewayBalancing, KilledTargetUnderLoadLosesNoRequests) {
  Upstream a("a"), b("b"), c("c");
  a.start();
  b.start();
  c.start();
  GatewayHarness gw("target_groups:\n" +
                    target_group_yaml("g", {a.address(), b.address(), c.address()},
                                      "    ejection: {consecutive_failures: 1, duration: 30s}\n") +
                    "rules:\n  - {name: all, match: {path: {prefix: /}}, action: {forward: g}}\n");
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!stop) {
        Reply r = send(gw.port(), "GET", "/slow?ms=5");
        if (r.status == 200) {
          ++ok;
        } else {
          ++failed;
          ADD_FAILURE() << r.head << "\n" << r.body;
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  b.stop();  // the target goes away mid-load (its in-flight requests finish)
  int after_kill = ok.load();
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), after_kill + 20);  // traffic went on
  bool ejected = false;
  for (const auto& t : gw.gateway().group("g")->snapshot()) {
    if (t.id == b.address()) ejected = t.ejected;
  }
  EXPECT_TRUE(ejected);
}

TEST(GatewayBalancing, HealthChecksEjectAndRecover) {
  Upstream a("a"), b("b");
  a.start();
  b.start();
  b.set_healthy(false);
  std::string checks =
      "    health_check: {path: /health, interval: 50ms, timeout: 40ms, healthy_threshold: 2, "
      "unhealthy_threshold: 2}\n";
  std::string yaml = "target_groups:\n  - name: g\n    targets: [\"" + a.address() + "\", \"" +
                     b.address() + "\"]\n" + checks +
                     "rules:\n  - {name: all, match: {path: {prefix: /}}, action: {forward: g}}\n";
  GatewayHarness gw(yaml);
  // Targets start "initial": nothing routes until checks pass.
  auto wait_for = [&](const std::string& id, const std::string& health) {
    for (int i = 0; i < 200; ++i) {
      for (const auto& t : gw.gateway().group("g")->snapshot()) {
        if (t.id == id && t.health == health) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  ASSERT_TRUE(wait_for(a.address(), "healthy"));
  ASSERT_TRUE(wait_for(b.address(), "unhealthy"));
  for (int i = 0; i < 10; ++i) {
    Reply r = send(gw.port(), "GET", "/status/200");
    EXPECT_EQ(r.body, "a");  // only the healthy one
  }
  b.set_healthy(true);
  ASSERT_TRUE(wait_for(b.address(), "healthy"));
  int from_b = 0;
  for (int i = 0; i < 10; ++i) from_b += send(gw.port(), "GET", "/status/200").body == "b";
  EXPECT_EQ(from_b, 5);
  // Everything unhealthy: the group fails open like an ALB (the health checks may be what
  // is broken): requests go to every target by the algorithm, and the metric says so.
  a.set_healthy(false);
  b.set_healthy(false);
  ASSERT_TRUE(wait_for(a.address(), "unhealthy"));
  ASSERT_TRUE(wait_for(b.address(), "unhealthy"));
  std::map<std::string, int> bodies;
  for (int i = 0; i < 10; ++i) {
    Reply r = send(gw.port(), "GET", "/status/200");
    EXPECT_EQ(r.status, 200) << r.body;
    ++bodies[r.body];
  }
  EXPECT_EQ(bodies["a"], 5);
  EXPECT_EQ(bodies["b"], 5);
  EXPECT_NE(gw.metrics().render().find("gateway_fail_open_total{group=\"g\"} 10"),
            std::string::npos)
      << gw.metrics().render();
  EXPECT_EQ(gw.gateway().group("g")->fail_open_picks(), 10u);
  // With fail_open: false (a reload; the targets keep their health) the group answers 503.
  ASSERT_TRUE(gw.reconfigure("target_groups:\n  - name: g\n    targets: [\"" + a.address() +
                             "\", \"" + b.address() + "\"]\n" + checks +
                             "    fail_open: false\n"
                             "rules:\n  - {name: all, match: {path: {prefix: /}}, action: "
                             "{forward: g}}\n")
                  .ok());
  Reply none = send(gw.port(), "GET", "/status/200");
  EXPECT_EQ(none.status, 503);
  EXPECT_EQ(none.header("Content-Type"), "application/problem+json");
}

// Fail-open never reaches a target that refuses connections: after the passive ejection
// the request is answered 503 instead of hammering the dead target.
TEST(GatewayBalancing, FailOpenSkipsTargetsEjectedForConnectionErrors) {
  Upstream a("a");
  a.start();
  uint16_t dead_port = [] {
    Upstream u;
    u.start();
    uint16_t p = u.port();
    u.stop();
    return p;
  }();
  a.set_healthy(false);
  std::string yaml = "target_groups:\n  - name: g\n    targets: [\"" + a.address() +
                     "\", \"127.0.0.1:" + std::to_string(dead_port) +
                     "\"]\n"
                     "    health_check: {path: /health, interval: 50ms, timeout: 40ms, "
                     "healthy_threshold: 1, unhealthy_threshold: 1}\n"
                     "    ejection: {consecutive_failures: 1, duration: 30s}\n"
                     "rules:\n  - {name: all, match: {path: {prefix: /}}, action: {forward: g}}\n";
  GatewayHarness gw(yaml);
  for (int i = 0; i < 200; ++i) {
    int unhealthy = 0;
    for (const auto& t : gw.gateway().group("g")->snapshot()) unhealthy += t.health == "unhealthy";
    if (unhealthy == 2) break;
    std::this_thread::sleep_for(10ms);
  }
  // Failing open: the dead target refuses, is ejected, the request is retried on a.
  for (int i = 0; i < 6; ++i) {
    Reply r = send(gw.port(), "GET", "/status/200");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "a");
  }
  bool dead_ejected = false;
  for (const auto& t : gw.gateway().group("g")->snapshot()) {
    if (t.id != a.address()) dead_ejected = t.ejected;
  }
  EXPECT_TRUE(dead_ejected);
  // a goes away too: the only candidate left is ejected, so 503 (not 502 after a connect).
  a.stop();
  Reply first = send(gw.port(), "GET", "/status/200");
  EXPECT_EQ(first.status, 502) << "a refused: ejected now";
  Reply r = send(gw.port(), "GET", "/status/200");
  EXPECT_EQ(r.status, 503) << r.body;
}

TEST(GatewayBalancing, DeregistrationDrainsInFlightRequests) {
  Upstream a("a"), b("b");
  a.start();
  b.start();
  GatewayHarness gw(two_targets(a, b, "    deregistration_delay: 10s\n"));
  auto group = gw.gateway().group("g");
  // Start slow requests on both targets, then deregister a.
  std::vector<std::thread> slow;
  std::atomic<int> slow_ok{0};
  for (int i = 0; i < 4; ++i) {
    slow.emplace_back([&] { slow_ok += send(gw.port(), "GET", "/slow?ms=600").status == 200; });
  }
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(group->deregister_target(a.address()).ok());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(send(gw.port(), "GET", "/status/200").body, "b");
  bool still_there = false;
  for (const auto& t : group->snapshot()) still_there |= t.id == a.address();
  EXPECT_TRUE(still_there);  // draining while its requests run
  for (auto& t : slow) t.join();
  EXPECT_EQ(slow_ok.load(), 4);
  std::this_thread::sleep_for(100ms);  // the monitor sweeps it
  for (const auto& t : group->snapshot()) EXPECT_NE(t.id, a.address());
}

TEST(GatewayBalancing, WeightedCanary) {
  Upstream stable("stable"), canary("canary");
  stable.start();
  canary.start();
  GatewayHarness gw("target_groups:\n" + target_group_yaml("stable", {stable.address()}) +
                    target_group_yaml("canary", {canary.address()}) +
                    "rules:\n  - name: all\n    match: {path: {prefix: /}}\n    action:\n"
                    "      forward: [{group: stable, weight: 3}, {group: canary, weight: 1}]\n");
  std::map<std::string, int> counts;
  for (int i = 0; i < 40; ++i) ++counts[send(gw.port(), "GET", "/status/200").body];
  EXPECT_EQ(counts["stable"], 30);
  EXPECT_EQ(counts["canary"], 10);
}

TEST(GatewayBalancing, LeastOutstandingPrefersTheIdleTarget) {
  Upstream a("a"), b("b");
  a.start();
  b.start();
  GatewayHarness gw(two_targets(a, b, "    algorithm: least_outstanding_requests\n"));
  // Occupy one target with long requests; quick ones then go to the other.
  std::vector<std::thread> slow;
  for (int i = 0; i < 2; ++i) {
    slow.emplace_back([&] { send(gw.port(), "GET", "/slow?ms=500"); });
    std::this_thread::sleep_for(30ms);
  }
  // Both slow requests landed on different targets (1 each) or the same; either way the
  // quick ones pick the least loaded, so they never queue behind both.
  int quick_ok = 0;
  for (int i = 0; i < 5; ++i) quick_ok += send(gw.port(), "GET", "/status/200").status == 200;
  EXPECT_EQ(quick_ok, 5);
  for (auto& t : slow) t.join();
}

TEST(GatewayBalancing, AdminApi) {
  Upstream a("a"), b("b");
  a.start();
  b.start();
  GatewayHarness gw("target_groups:\n" + target_group_yaml("g", {a.address()}) +
                    "rules:\n  - {name: all, match: {path: {prefix: /}}, action: {forward: g}}\n");
  TestServer admin;
  add_admin_routes(admin.server(), gw.gateway(), "s3cret-token");
  uint16_t port = admin.start();
  const std::string auth = "Authorization: Bearer s3cret-token\r\n";

  EXPECT_EQ(send(port, "GET", "/admin/target-groups").status, 401);
  EXPECT_EQ(send(port, "GET", "/admin/target-groups", "Authorization: Bearer wrong\r\n").status, 401);
  EXPECT_EQ(send(port, "GET", "/admin/target-groups", "Authorization: Bearer s3cret-tokeN\r\n").status,
            401);
  Reply list = send(port, "GET", "/admin/target-groups", auth);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(a.address()), std::string::npos);

  std::string body = "{\"target\":\"" + b.address() + "\"}";
  Reply added = send(port, "POST", "/admin/target-groups/g/targets",
                     auth + "Content-Type: application/json\r\n", body);
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(send(port, "POST", "/admin/target-groups/g/targets", auth, body).status, 200);
  EXPECT_EQ(send(port, "POST", "/admin/target-groups/nope/targets", auth, body).status, 404);
  EXPECT_EQ(send(port, "POST", "/admin/target-groups/g/targets", auth, "{\"target\":\"x\"}").status,
            400);
  EXPECT_EQ(send(port, "POST", "/admin/target-groups/g/targets", auth, "not json").status, 400);
  std::map<std::string, int> counts;
  for (int i = 0; i < 10; ++i) ++counts[send(gw.port(), "GET", "/status/200").body];
  EXPECT_EQ(counts["a"], 5);
  EXPECT_EQ(counts["b"], 5);

  Reply removed = send(port, "DELETE", "/admin/target-groups/g/targets/" + a.address(), auth);
  EXPECT_EQ(removed.status, 202) << removed.body;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send(gw.port(), "GET", "/status/200").body, "b");
  EXPECT_EQ(send(port, "DELETE", "/admin/target-groups/g/targets/127.0.0.1:1", auth).status, 404);
}

TEST(GatewayBalancing, AdminApiDisabledWithoutToken) {
  GatewayHarness gw("{}");
  TestServer admin;
  add_admin_routes(admin.server(), gw.gateway(), "");
  uint16_t port = admin.start();
  EXPECT_EQ(send(port, "GET", "/admin/target-groups", "Authorization: Bearer \r\n").status, 403);
  EXPECT_EQ(send(port, "GET", "/healthz").status, 200);
}

TEST(GatewayBalancing, TokenComparison) {
  EXPECT_TRUE(token_matches("abc", "abc"));
  EXPECT_FALSE(token_matches("abd", "abc"));
  EXPECT_FALSE(token_matches("ab", "abc"));
  EXPECT_FALSE(token_matches("", ""));
}

}  // namespace
}  // namespace dts::gateway
