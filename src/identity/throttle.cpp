#include "identity/throttle.hpp"

namespace dts::identity {

FailureThrottle::FailureThrottle(size_t limit, std::chrono::seconds window, size_t max_keys)
    : limit_(limit == 0 ? 1 : limit), window_(window), max_keys_(max_keys == 0 ? 1 : max_keys) {}

bool FailureThrottle::blocked(std::string_view key, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return false;
  if (now - it->second.window_start >= window_) return false;
  return it->second.failures >= limit_;
}

void FailureThrottle::record_failure(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) evict_one(now);
    entries_.emplace(std::string(key), Entry{1, now});
    return;
  }
  // A fixed window that restarts at the first failure after it ends: simple, and an
  // attacker gets at most 2*limit tries across a window boundary.
  if (now - it->second.window_start >= window_) {
    it->second = Entry{1, now};
  } else {
    ++it->second.failures;
  }
}

void FailureThrottle::reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  entries_.erase(std::string(key));
}

size_t FailureThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void FailureThrottle::evict_one(Clock::time_point now) {
  // The table is full (an attack in progress). Sweep expired windows at most once a second
  // (O(n)); otherwise drop an arbitrary entry (O(1)), so a flood of fresh keys costs little.
  if (now - last_sweep_ >= std::chrono::seconds(1)) {
    last_sweep_ = now;
    std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.window_start >= window_; });
  }
  if (entries_.size() >= max_keys_) entries_.erase(entries_.begin());
}

}  // namespace dts::identity
