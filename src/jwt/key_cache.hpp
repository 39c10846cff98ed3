#pragma once
// `KeyCache`: the current JWKS of each trusted issuer, for verifiers that must never wait on
// the network.
//
// Readers take an immutable snapshot (shared_ptr<const KeySet>) and verify with it; a refresh
// installs a new snapshot with `put` while old readers keep theirs. The cache never fetches:
// the owner (e.g. the gateway) does the HTTP GET and decides *when* with `begin_refresh`,
// whose policy is the pure function `refresh_due`:
//   - no keys yet            -> fetch now, retry failures at most every min_refresh_interval;
//   - unknown kid in a token -> refetch, but at most once per min_refresh_interval per issuer
//                               (a stream of garbage kids cannot turn us into a DoS cannon
//                               against the issuer);
//   - periodic               -> refetch once the snapshot is older than max_age.
// An unanswered refresh (owner crashed mid-fetch) stops blocking new ones after
// min_refresh_interval.
//
// Thread-safety: all member functions are safe to call concurrently. Lookups hold a shared
// lock only long enough to copy a shared_ptr.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "jwt/key_set.hpp"

namespace dts::jwt {

using SteadyTime = std::chrono::steady_clock::time_point;

struct KeyCachePolicy {
  std::chrono::seconds min_refresh_interval{30};
  std::chrono::seconds max_age{3600};
};

enum class RefreshReason { kUnknownKid, kPeriodic };

struct RefreshState {
  bool has_keys = false;
  std::optional<SteadyTime> last_attempt;  // start of the latest fetch, whatever its outcome
  std::optional<SteadyTime> last_success;  // when the current snapshot was installed
  bool in_flight = false;                  // a fetch was started and not yet reported
};

// Pure decision: should a fetch start now? (See the header comment for the rules.)
bool refresh_due(const RefreshState& state, const KeyCachePolicy& policy, RefreshReason reason,
                 SteadyTime now);

class KeyCache {
 public:
  explicit KeyCache(KeyCachePolicy policy = {}) : policy_(policy) {}
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  // The issuer's current keys, or nullptr if none were ever installed.
  std::shared_ptr<const KeySet> get(std::string_view issuer) const;

  // Installs freshly fetched keys for `issuer` and ends any refresh in flight.
  void put(std::string_view issuer, KeySet keys, SteadyTime now);

  // Records a failed fetch (the old snapshot stays in use).
  void refresh_failed(std::string_view issuer, SteadyTime now);

  // Atomically: if `refresh_due`, marks a fetch in flight and returns true — to exactly one
  // of several concurrent callers. The winner must later call `put` or `refresh_failed`.
  bool begin_refresh(std::string_view issuer, RefreshReason reason, SteadyTime now);

  // `refresh_due` for the issuer's current state, without reserving anything.
  bool should_refresh(std::string_view issuer, RefreshReason reason, SteadyTime now) const;

  RefreshState state(std::string_view issuer) const;
  const KeyCachePolicy& policy() const { return policy_; }

 private:
  struct Entry {
    std::shared_ptr<const KeySet> keys;
    RefreshState state;
  };

  const KeyCachePolicy policy_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
};

}  // namespace dts::jwt
