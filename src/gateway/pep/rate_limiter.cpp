#include "gateway/pep/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace dts::gateway::pep {

RateLimiter::RateLimiter(RateLimit limit) : limit_(limit) {
  limit_.burst = std::max(limit_.burst, 1.0);
  limit_.max_keys = std::max<size_t>(limit_.max_keys, kShards);
  per_shard_ = limit_.max_keys / kShards;
}

RateLimiter::Shard& RateLimiter::shard_for(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

RateDecision RateLimiter::take(std::string_view key, Clock::time_point now) {
  if (!limit_.enabled()) {
    return {};
  }
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mu);
  // Heterogeneous lookup needs C++20 transparent hashing; one string per request is cheap.
  std::string k(key);
  auto it = shard.buckets.find(k);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= per_shard_) {
      shard.buckets.erase(shard.order.back());
      shard.order.pop_back();
    }
    shard.order.push_front(k);
    it = shard.buckets.emplace(std::move(k), Bucket{limit_.burst, now, shard.order.begin()}).first;
  } else {
    shard.order.splice(shard.order.begin(), shard.order, it->second.lru);
  }
  Bucket& b = it->second;
  if (now > b.updated) {
    double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.rate_per_s);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  double wait_s = (1.0 - b.tokens) / limit_.rate_per_s;
  RateDecision refused;
  refused.allowed = false;
  refused.retry_after_s = std::max(1, static_cast<int>(std::ceil(wait_s)));
  return refused;
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace dts::gateway::pep
