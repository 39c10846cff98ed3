#include "gateway/target_group.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace dts::gateway {
namespace {

using namespace std::chrono_literals;

TargetGroupConfig group_config(std::vector<std::string> targets, bool checks = false) {
  TargetGroupConfig c;
  c.name = "g";
  for (const auto& t : targets) c.targets.push_back(*parse_target_address(t));
  c.health.enabled = checks;
  c.health.healthy_threshold = 2;
  c.health.unhealthy_threshold = 2;
  c.deregistration_delay = 5s;
  return c;
}

std::map<std::string, int> spread(TargetGroup& g, int n) {
  std::map<std::string, int> counts;
  for (int i = 0; i < n; ++i) {
    auto lease = g.pick();
    if (lease) ++counts[lease->id];
  }
  return counts;
}

TEST(TargetGroup, RoundRobinSpreadsEvenly) {
  TargetGroup g(group_config({"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}));
  auto counts = spread(g, 300);
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [_, n] : counts) EXPECT_EQ(n, 100);
}

TEST(TargetGroup, LeastOutstandingAvoidsBusyTargets) {
  auto cfg = group_config({"127.0.0.1:1", "127.0.0.1:2"});
  cfg.algorithm = Algorithm::kLeastOutstanding;
  TargetGroup g(cfg);
  auto busy = g.pick();  // holds one request on the first target it got
  std::string busy_id = busy->id;
  for (int i = 0; i < 10; ++i) {
    auto lease = g.pick();
    EXPECT_NE(lease->id, busy_id);  // the idle one always wins while the other is busy
  }
}

TEST(TargetGroup, HealthThresholdsGateTraffic) {
  auto cfg = group_config({"127.0.0.1:1"}, true);
  cfg.fail_open = false;  // the thresholds alone (fail-open has its own tests below)
  TargetGroup g(cfg);
  EXPECT_FALSE(g.pick());  // initial: no traffic before the checks pass
  auto t = g.check_list().at(0);
  g.report_check(*t, true, "");
  EXPECT_FALSE(g.pick());  // one pass of two
  g.report_check(*t, true, "");
  EXPECT_TRUE(g.pick());
  g.report_check(*t, false, "503");
  EXPECT_TRUE(g.pick());  // one failure of two
  g.report_check(*t, false, "503");
  EXPECT_FALSE(g.pick());
  EXPECT_EQ(g.snapshot()[0].health, "unhealthy");
  EXPECT_EQ(g.snapshot()[0].reason, "503");
  g.report_check(*t, true, "");
  g.report_check(*t, true, "");
  EXPECT_TRUE(g.pick());  // recovered
}

TEST(TargetGroup, PassiveEjectionAfterConnectErrors) {
  auto cfg = group_config({"127.0.0.1:1", "127.0.0.1:2"});
  cfg.ejection_failures = 2;
  cfg.ejection_duration = 200ms;
  TargetGroup g(cfg);
  auto bad = g.check_list()[0];
  g.report_connect_error(*bad);
  g.report_connect_error(*bad);
  auto counts = spread(g, 10);
  EXPECT_EQ(counts.count(bad->id), 0u);
  EXPECT_TRUE(g.snapshot()[0].ejected);
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(spread(g, 10).count(bad->id), 1u);  // back after the ejection period
}

TEST(TargetGroup, ExcludeSkipsTriedTargets) {
  TargetGroup g(group_config({"127.0.0.1:1", "127.0.0.1:2"}));
  auto first = g.pick();
  auto second = g.pick({first->id});
  ASSERT_TRUE(second);
  EXPECT_NE(first->id, second->id);
  EXPECT_FALSE(g.pick({"127.0.0.1:1", "127.0.0.1:2"}));
}

TEST(TargetGroup, DrainingTakesNoNewRequestsAndWaitsForInFlight) {
  TargetGroup g(group_config({"127.0.0.1:1", "127.0.0.1:2"}));
  TargetLease in_flight = g.pick();
  std::string id = in_flight->id;
  ASSERT_TRUE(g.deregister_target(id).ok());
  EXPECT_EQ(spread(g, 10).count(id), 0u);
  EXPECT_TRUE(g.sweep().empty());  // still one request in flight
  in_flight.release();
  auto removed = g.sweep();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], id);
  EXPECT_EQ(g.snapshot().size(), 1u);
  EXPECT_FALSE(g.deregister_target(id).ok());  // gone
}

TEST(TargetGroup, DrainDeadlineRemovesStuckTargets) {
  auto cfg = group_config({"127.0.0.1:1"});
  cfg.deregistration_delay = 50ms;
  TargetGroup g(cfg);
  TargetLease stuck = g.pick();
  ASSERT_TRUE(g.deregister_target("127.0.0.1:1").ok());
  EXPECT_TRUE(g.sweep().empty());
  std::this_thread::sleep_for(80ms);
  EXPECT_EQ(g.sweep().size(), 1u);
}

TEST(TargetGroup, RegisterAndReloadKeepDynamicTargets) {
  TargetGroup g(group_config({"127.0.0.1:1"}));
  auto added = g.register_target(*parse_target_address("127.0.0.1:7"));
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(*added);
  EXPECT_FALSE(*g.register_target(*parse_target_address("127.0.0.1:7")));  // idempotent
  g.update(group_config({"127.0.0.1:2"}));  // the file now lists :2 instead of :1
  auto snap = g.snapshot();
  std::map<std::string, std::string> health;
  for (const auto& t : snap) health[t.id] = t.health;
  EXPECT_EQ(health["127.0.0.1:1"], "draining");
  EXPECT_EQ(health["127.0.0.1:2"], "healthy");
  EXPECT_EQ(health["127.0.0.1:7"], "healthy");  // registered through the API: kept
}

TEST(TargetGroup, SlowStartRampsTraffic) {
  auto cfg = group_config({"127.0.0.1:1"});
  cfg.slow_start = 400ms;
  TargetGroup g(cfg);
  std::this_thread::sleep_for(450ms);  // the first target is past its slow start
  ASSERT_TRUE(g.register_target(*parse_target_address("127.0.0.1:2")).ok());
  auto counts = spread(g, 1000);
  EXPECT_EQ(counts["127.0.0.1:1"] + counts["127.0.0.1:2"], 1000);
  EXPECT_LT(counts["127.0.0.1:2"], 300);  // ~10% share at the start of its ramp
  EXPECT_GT(counts["127.0.0.1:2"], 0);
  EXPECT_TRUE(g.snapshot()[1].in_slow_start);
  std::this_thread::sleep_for(450ms);
  counts = spread(g, 1000);
  EXPECT_GT(counts["127.0.0.1:2"], 400);  // full share afterwards
}

// Makes `t` unhealthy through failed active checks (thresholds are 2 in group_config).
void fail_checks(TargetGroup& g, Target& t) {
  g.report_check(t, false, "503");
  g.report_check(t, false, "503");
}
void pass_checks(TargetGroup& g, Target& t) {
  g.report_check(t, true, "");
  g.report_check(t, true, "");
}

TEST(TargetGroup, FailsOpenWhenEveryTargetIsUnhealthy) {
  TargetGroup g(group_config({"127.0.0.1:1", "127.0.0.1:2"}, true));
  EXPECT_TRUE(g.config().fail_open) << "ALB's default";
  for (const auto& t : g.check_list()) {
    pass_checks(g, *t);
    fail_checks(g, *t);
  }
  for (const auto& s : g.snapshot()) ASSERT_EQ(s.health, "unhealthy");
  EXPECT_EQ(g.routable_count(), 0u);
  // Every unhealthy target gets traffic, by the group's algorithm (round robin: evenly).
  std::map<std::string, int> counts;
  for (int i = 0; i < 100; ++i) {
    auto lease = g.pick();
    ASSERT_TRUE(lease);
    EXPECT_TRUE(lease.failed_open());
    ++counts[lease->id];
  }
  EXPECT_EQ(counts["127.0.0.1:1"], 50);
  EXPECT_EQ(counts["127.0.0.1:2"], 50);
  EXPECT_EQ(g.fail_open_picks(), 100u);
  // One target recovers: it alone gets the traffic again, and no lease says fail-open.
  pass_checks(g, *g.check_list()[1]);
  for (int i = 0; i < 10; ++i) {
    auto lease = g.pick();
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->id, "127.0.0.1:2");
    EXPECT_FALSE(lease.failed_open());
  }
  EXPECT_EQ(g.fail_open_picks(), 100u);
}

TEST(TargetGroup, FailsOpenToTargetsStillInInitialState) {
  TargetGroup g(group_config({"127.0.0.1:1"}, true));
  auto lease = g.pick();  // registered, never checked: nothing is healthy
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease.failed_open());
  EXPECT_EQ(g.snapshot()[0].health, "initial");
}

TEST(TargetGroup, FailOpenNeverUsesDrainingOrEjectedTargets) {
  auto cfg = group_config({"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}, true);
  cfg.ejection_failures = 1;
  cfg.ejection_duration = 10s;
  TargetGroup g(cfg);
  auto targets = g.check_list();
  for (const auto& t : targets) fail_checks(g, *t);
  ASSERT_TRUE(g.deregister_target("127.0.0.1:2").ok());  // draining
  g.report_connect_error(*targets[2]);                   // ejected: refuses connections
  for (int i = 0; i < 20; ++i) {
    auto lease = g.pick();
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->id, "127.0.0.1:1");
    EXPECT_TRUE(lease.failed_open());
  }
  // The last candidate drains too: nothing is left to fail open to.
  ASSERT_TRUE(g.deregister_target("127.0.0.1:1").ok());
  EXPECT_FALSE(g.pick());
}

TEST(TargetGroup, FailOpenOnlyWhenNoTargetIsHealthy) {
  TargetGroup g(group_config({"127.0.0.1:1", "127.0.0.1:2"}, true));
  auto targets = g.check_list();
  pass_checks(g, *targets[0]);
  fail_checks(g, *targets[1]);
  for (int i = 0; i < 20; ++i) {
    auto lease = g.pick();
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->id, "127.0.0.1:1");
    EXPECT_FALSE(lease.failed_open());
  }
  // A retry that already tried the healthy target does not spill onto the unhealthy one.
  EXPECT_FALSE(g.pick({"127.0.0.1:1"}));
  // Once failing open, a retry moves on to another unhealthy target, then runs out.
  fail_checks(g, *targets[0]);
  auto first = g.pick();
  ASSERT_TRUE(first);
  auto second = g.pick({first->id});
  ASSERT_TRUE(second);
  EXPECT_NE(second->id, first->id);
  EXPECT_TRUE(second.failed_open());
  EXPECT_FALSE(g.pick({"127.0.0.1:1", "127.0.0.1:2"}));
}

TEST(TargetGroup, FailOpenCanBeTurnedOff) {
  auto cfg = group_config({"127.0.0.1:1", "127.0.0.1:2"}, true);
  cfg.fail_open = false;
  TargetGroup g(cfg);
  EXPECT_FALSE(g.pick()) << "initial targets get nothing";
  for (const auto& t : g.check_list()) fail_checks(g, *t);
  EXPECT_FALSE(g.pick());
  EXPECT_EQ(g.fail_open_picks(), 0u);
  // Switched on by a reload: applies to the next pick.
  cfg.fail_open = true;
  g.update(cfg);
  EXPECT_TRUE(g.pick());
}

TEST(TargetGroup, FailOpenWithLeastOutstandingPrefersIdleTargets) {
  auto cfg = group_config({"127.0.0.1:1", "127.0.0.1:2"}, true);
  cfg.algorithm = Algorithm::kLeastOutstanding;
  cfg.slow_start = 10s;  // ignored while failing open
  TargetGroup g(cfg);
  auto busy = g.pick();
  ASSERT_TRUE(busy);
  EXPECT_TRUE(busy.failed_open());
  for (int i = 0; i < 10; ++i) {
    auto lease = g.pick();
    ASSERT_TRUE(lease);
    EXPECT_NE(lease->id, busy->id);
  }
}

TEST(TargetGroup, LeaseMovesKeepTheFailOpenFlag) {
  TargetGroup g(group_config({"127.0.0.1:1"}, true));
  TargetLease a = g.pick();
  TargetLease b(std::move(a));
  EXPECT_TRUE(b.failed_open());
  TargetLease c;
  c = std::move(b);
  EXPECT_TRUE(c.failed_open());
  EXPECT_EQ(c->outstanding.load(), 1);
  c.release();
  EXPECT_EQ(g.snapshot()[0].outstanding, 0);
}

}  // namespace
}  // namespace dts::gateway
