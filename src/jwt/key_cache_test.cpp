#include "jwt/key_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "jwt/test_support.hpp"

namespace dts::jwt {
namespace {

using namespace std::chrono_literals;

const SteadyTime t0{};

TEST(RefreshDue, PolicyIsAPureFunction) {
  KeyCachePolicy p{30s, 3600s};
  RefreshState empty;
  EXPECT_TRUE(refresh_due(empty, p, RefreshReason::kUnknownKid, t0));
  EXPECT_TRUE(refresh_due(empty, p, RefreshReason::kPeriodic, t0));

  RefreshState failed_once{false, t0, std::nullopt, false};
  EXPECT_FALSE(refresh_due(failed_once, p, RefreshReason::kPeriodic, t0 + 10s));
  EXPECT_TRUE(refresh_due(failed_once, p, RefreshReason::kPeriodic, t0 + 30s));

  RefreshState loaded{true, t0, t0, false};
  EXPECT_FALSE(refresh_due(loaded, p, RefreshReason::kUnknownKid, t0 + 29s));  // rate bound
  EXPECT_TRUE(refresh_due(loaded, p, RefreshReason::kUnknownKid, t0 + 30s));
  EXPECT_FALSE(refresh_due(loaded, p, RefreshReason::kPeriodic, t0 + 3599s));
  EXPECT_TRUE(refresh_due(loaded, p, RefreshReason::kPeriodic, t0 + 3600s));

  RefreshState in_flight{true, t0 + 100s, t0, true};
  EXPECT_FALSE(refresh_due(in_flight, p, RefreshReason::kUnknownKid, t0 + 110s));
  // A fetch that never reported back stops blocking after the interval.
  EXPECT_TRUE(refresh_due(in_flight, p, RefreshReason::kUnknownKid, t0 + 130s));
}

TEST(KeyCache, SnapshotsAreImmutableAndSurviveRefresh) {
  KeyCache cache;
  EXPECT_EQ(cache.get("iss"), nullptr);
  KeySet first;
  first.add(testing::cached_key(KeySpec::kEcP256));
  cache.put("iss", first, t0);
  std::shared_ptr<const KeySet> held = cache.get("iss");
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->size(), 1u);
  cache.put("iss", KeySet(), t0 + 1s);
  EXPECT_EQ(held->size(), 1u);  // the old snapshot is untouched
  EXPECT_EQ(cache.get("iss")->size(), 0u);
  EXPECT_EQ(cache.get("other"), nullptr);
}

TEST(KeyCache, UnknownKidRefreshIsRateLimited) {
  KeyCache cache(KeyCachePolicy{30s, 3600s});
  EXPECT_TRUE(cache.begin_refresh("iss", RefreshReason::kUnknownKid, t0));  // initial load
  EXPECT_FALSE(cache.begin_refresh("iss", RefreshReason::kUnknownKid, t0 + 1s));
  EXPECT_TRUE(cache.state("iss").in_flight);
  cache.put("iss", KeySet(), t0 + 2s);
  EXPECT_FALSE(cache.state("iss").in_flight);
  // A flood of unknown kids: one fetch per 30 s.
  int fetches = 0;
  for (int s = 3; s < 120; ++s) {
    if (cache.begin_refresh("iss", RefreshReason::kUnknownKid, t0 + std::chrono::seconds(s))) {
      ++fetches;
      cache.refresh_failed("iss", t0 + std::chrono::seconds(s));
    }
  }
  EXPECT_EQ(fetches, 3);  // at 30, 60, 90
  EXPECT_FALSE(cache.should_refresh("iss", RefreshReason::kPeriodic, t0 + 1000s));
  EXPECT_TRUE(cache.should_refresh("iss", RefreshReason::kPeriodic, t0 + 3602s));
}

TEST(KeyCache, ExactlyOneConcurrentCallerWinsARefresh) {
  KeyCache cache;
  cache.put("iss", KeySet(), t0);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) {
        if (cache.begin_refresh("iss", RefreshReason::kUnknownKid, t0 + 60s)) {
          ++winners;
        }
        (void)cache.get("iss");
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(winners.load(), 1);
}

}  // namespace
}  // namespace dts::jwt
