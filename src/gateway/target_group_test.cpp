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
  TargetGroup g(group_config({"127.0.0.1:1"}, true));
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

}  // namespace
}  // namespace dts::gateway
