#include "gateway/pep/decision_cache.hpp"

#include <gtest/gtest.h>

namespace dts::gateway::pep {
namespace {

using namespace std::chrono_literals;
using Clock = DecisionCache::Clock;

std::string key(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts) DecisionCache::key_part(k, p);
  return k;
}

TEST(DecisionCache, ServesForTheTtlOnly) {
  DecisionCache cache(100, 1000ms);
  auto t0 = Clock::time_point(10s);
  PolicyDecision allow;
  allow.allow = true;
  allow.reason = "r";
  cache.put(key({"GET", "/a"}), allow, t0);
  auto hit = cache.get(key({"GET", "/a"}), t0 + 999ms);
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->allow);
  EXPECT_EQ(hit->reason, "r");
  EXPECT_FALSE(cache.get(key({"GET", "/a"}), t0 + 1000ms).has_value());
  EXPECT_FALSE(cache.get(key({"GET", "/b"}), t0).has_value());
}

TEST(DecisionCache, KeyPartsCannotShift) {
  EXPECT_NE(key({"ab", "c"}), key({"a", "bc"}));
  EXPECT_NE(key({"", "x"}), key({"x", ""}));
}

TEST(DecisionCache, ErrorsAreNeverCachedAndDisabledMeansOff) {
  DecisionCache cache(100, 1000ms);
  auto t = Clock::time_point(1s);
  PolicyDecision error;
  error.error = true;
  cache.put("k", error, t);
  EXPECT_FALSE(cache.get("k", t).has_value());
  DecisionCache off(100, 0ms);
  EXPECT_FALSE(off.enabled());
  off.put("k", PolicyDecision{}, t);
  EXPECT_FALSE(off.get("k", t).has_value());
  EXPECT_FALSE(DecisionCache(0, 1000ms).enabled());
}

TEST(DecisionCache, Bounded) {
  DecisionCache cache(64, 60'000ms);
  auto t = Clock::time_point(1s);
  for (int i = 0; i < 10'000; ++i) cache.put("k" + std::to_string(i), PolicyDecision{}, t);
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace dts::gateway::pep
