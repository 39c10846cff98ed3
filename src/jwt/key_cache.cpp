#include "jwt/key_cache.hpp"

#include <mutex>

namespace dts::jwt {

bool refresh_due(const RefreshState& state, const KeyCachePolicy& policy, RefreshReason reason,
                 SteadyTime now) {
  bool attempted_recently =
      state.last_attempt && now - *state.last_attempt < policy.min_refresh_interval;
  if (attempted_recently) {
    // Covers both "a fetch is in flight" and "we just fetched": either way, wait.
    return false;
  }
  if (!state.has_keys) {
    return true;
  }
  switch (reason) {
    case RefreshReason::kUnknownKid:
      return true;
    case RefreshReason::kPeriodic:
      return !state.last_success || now - *state.last_success >= policy.max_age;
  }
  return false;
}

std::shared_ptr<const KeySet> KeyCache::get(std::string_view issuer) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(issuer);
  return it == entries_.end() ? nullptr : it->second.keys;
}

void KeyCache::put(std::string_view issuer, KeySet keys, SteadyTime now) {
  // Build the snapshot outside the lock; only the pointer swap is serialised.
  auto snapshot = std::make_shared<const KeySet>(std::move(keys));
  std::unique_lock lock(mu_);
  Entry& entry = entries_[std::string(issuer)];
  entry.keys = std::move(snapshot);
  entry.state.has_keys = true;
  entry.state.last_success = now;
  if (!entry.state.last_attempt || *entry.state.last_attempt > now) {
    entry.state.last_attempt = now;
  }
  entry.state.in_flight = false;
}

void KeyCache::refresh_failed(std::string_view issuer, SteadyTime now) {
  std::unique_lock lock(mu_);
  Entry& entry = entries_[std::string(issuer)];
  entry.state.in_flight = false;
  entry.state.last_attempt = now;
}

bool KeyCache::begin_refresh(std::string_view issuer, RefreshReason reason, SteadyTime now) {
  std::unique_lock lock(mu_);
  Entry& entry = entries_[std::string(issuer)];
  if (!refresh_due(entry.state, policy_, reason, now)) {
    return false;
  }
  entry.state.in_flight = true;
  entry.state.last_attempt = now;
  return true;
}

bool KeyCache::should_refresh(std::string_view issuer, RefreshReason reason, SteadyTime now) const {
  return refresh_due(state(issuer), policy_, reason, now);
}

RefreshState KeyCache::state(std::string_view issuer) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(issuer);
  return it == entries_.end() ? RefreshState{} : it->second.state;
}

}  // namespace dts::jwt
