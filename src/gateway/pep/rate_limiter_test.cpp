#include "gateway/pep/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "gateway/pep/token_cache.hpp"

namespace dts::gateway::pep {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, BurstThenRefillAtRate) {
  RateLimiter rl(RateLimit{2, 5, 1000});
  auto t0 = Clock::time_point(10s);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(rl.take("k", t0).allowed) << i;
  }
  RateDecision refused = rl.take("k", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);  // 0.5 s to the next token, rounded up
  EXPECT_TRUE(rl.take("k", t0 + 500ms).allowed);
  EXPECT_FALSE(rl.take("k", t0 + 500ms).allowed);
  // Long idle: the bucket refills to the burst, not beyond.
  auto later = t0 + 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.take("k", later).allowed);
  EXPECT_FALSE(rl.take("k", later).allowed);
}

TEST(RateLimiter, RetryAfterReflectsTheRate) {
  RateLimiter slow(RateLimit{0.1, 1, 1000});  // one token every 10 s
  auto t0 = Clock::time_point(1s);
  EXPECT_TRUE(slow.take("k", t0).allowed);
  EXPECT_EQ(slow.take("k", t0).retry_after_s, 10);
  EXPECT_EQ(slow.take("k", t0 + 4s).retry_after_s, 6);
  EXPECT_TRUE(slow.take("k", t0 + 10s).allowed);
}

TEST(RateLimiter, KeysAreIndependentAndDisabledMeansUnlimited) {
  RateLimiter rl(RateLimit{1, 1, 1000});
  auto t = Clock::time_point(1s);
  EXPECT_TRUE(rl.take("a", t).allowed);
  EXPECT_FALSE(rl.take("a", t).allowed);
  EXPECT_TRUE(rl.take("b", t).allowed);
  RateLimiter off(RateLimit{0, 0, 1000});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.take("a", t).allowed);
  EXPECT_EQ(off.size(), 0u);
}

TEST(RateLimiter, MemoryIsBounded) {
  RateLimiter rl(RateLimit{1, 1, 160});
  auto t = Clock::time_point(1s);
  for (int i = 0; i < 100'000; ++i) {
    rl.take("ip-" + std::to_string(i), t);
  }
  EXPECT_LE(rl.size(), 160u);
  // The most recent keys are still limited after the flood.
  EXPECT_FALSE(rl.take("ip-99999", t).allowed);
}

TEST(RateLimiter, ConcurrentTakesNeverExceedTheBurst) {
  RateLimiter rl(RateLimit{0.001, 1000, 100000});
  auto t = Clock::time_point(1s);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (rl.take("shared", t).allowed) ++allowed;
        rl.take("own-" + std::to_string(i), t);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(TokenCache, ServesUntilExpiryAndStaysBounded) {
  TokenCache cache(32);
  auto now = std::chrono::system_clock::now();
  auto p = std::make_shared<Principal>();
  p->subject = "u";
  p->expires = now + 10s;
  cache.put("token-a", p, now);
  EXPECT_EQ(cache.get("token-a", now), p);
  EXPECT_EQ(cache.get("token-a", now + 9s), p);
  EXPECT_EQ(cache.get("token-a", now + 10s), nullptr) << "expired exactly at exp";
  EXPECT_EQ(cache.get("token-b", now), nullptr);
  auto expired = std::make_shared<Principal>();
  expired->expires = now - 1s;
  cache.put("old", expired, now);
  EXPECT_EQ(cache.get("old", now), nullptr);
  for (int i = 0; i < 10'000; ++i) {
    cache.put("t-" + std::to_string(i), p, now);
  }
  EXPECT_LE(cache.size(), 32u);
  TokenCache off(0);
  off.put("x", p, now);
  EXPECT_EQ(off.get("x", now), nullptr);
}

}  // namespace
}  // namespace dts::gateway::pep
