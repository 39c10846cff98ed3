#pragma once
// `RateLimiter`: one token bucket per key (a principal or a client IP), bounded memory.
//
// Each bucket holds up to `burst` tokens and refills at `rate_per_s`; a request takes one
// token or is refused with the time until the next token (the Retry-After value).
//
// Memory is bounded: keys are spread over kShards shards (one mutex each, so concurrent
// requests for different keys rarely contend) and each shard keeps at most
// max_keys / kShards buckets in LRU order. When a shard is full the least recently used
// bucket is dropped. A dropped bucket comes back full, which only ever favours the client
// (an attacker cycling through many keys can reset other keys' buckets, but it cannot grow
// memory and each of its own keys is still limited). Buckets that have refilled completely
// are equivalent to absent ones, so eviction of idle keys loses nothing.
//
// Thread-safety: all member functions are safe to call concurrently.

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dts::gateway::pep {

struct RateLimit {
  double rate_per_s = 0;  // 0 disables the limiter
  double burst = 0;       // bucket capacity (>= 1 when enabled)
  size_t max_keys = 100'000;
  bool enabled() const { return rate_per_s > 0; }
};

struct RateDecision {
  bool allowed = true;
  int retry_after_s = 0;  // whole seconds until a token is available (>= 1 when refused)
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kShards = 16;

  explicit RateLimiter(RateLimit limit);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  RateDecision take(std::string_view key, Clock::time_point now = Clock::now());

  // Buckets currently held (tests, metrics).
  size_t size() const;
  const RateLimit& limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator lru;  // position in Shard::order
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;  // guarded by mu
    std::list<std::string> order;                     // most recent first; guarded by mu
  };

  Shard& shard_for(std::string_view key);

  RateLimit limit_;
  size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace dts::gateway::pep
