#pragma once
// FailureThrottle: counts failed sign-in attempts per key ("user:<pool>/<username key>",
// "ip:<address>") in a sliding window and says when a key is over its limit.
//
// Unknown usernames are counted exactly like known ones (the key is the normalized name,
// not the user id), so throttling reveals nothing about which accounts exist.
//
// Memory is bounded: at most `max_keys` keys are tracked; when full, expired windows are
// swept (at most once a second) or else an arbitrary key is dropped. State is per process: with several identity instances behind a
// load balancer each enforces its own limit (documented in README.md).
//
// Thread-safety: all methods are safe to call concurrently (one mutex).

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dts::identity {

class FailureThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  FailureThrottle(size_t limit, std::chrono::seconds window, size_t max_keys = 100000);

  // True if `key` has `limit` or more failures in the current window.
  bool blocked(std::string_view key, Clock::time_point now = Clock::now()) const;
  void record_failure(std::string_view key, Clock::time_point now = Clock::now());
  // A success clears the key (per-user keys; per-IP keys are never cleared).
  void reset(std::string_view key);
  size_t tracked() const;

 private:
  struct Entry {
    size_t failures = 0;
    Clock::time_point window_start;
  };
  void evict_one(Clock::time_point now);

  size_t limit_;
  std::chrono::seconds window_;
  size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  Clock::time_point last_sweep_{};
};

}  // namespace dts::identity
