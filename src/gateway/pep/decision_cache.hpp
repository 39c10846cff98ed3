#pragma once
// `DecisionCache`: recent policy decisions, so a client repeating a request does not pay for
// a Rego evaluation each time (evaluation is the largest per-request cost of the PEP).
//
// The key is the SHA-256 of everything the input document is built from except the
// per-request fields (request_id, time_ns): the policy revision, method, path, tenant,
// source IP, the selected headers and the bearer token (which stands for every claim). So a
// hit returns what evaluating the same input would return, with two documented limits:
//   - input.time_ns (and time.now_ns()) may be up to `ttl` old: time-based rules get a
//     granularity of GATEWAY_DECISION_CACHE_TTL (default 1s; 0 disables the cache);
//   - a remote PDP has no revision the gateway can see, so its policy changes show after at
//     most `ttl`. A local bundle's new revision changes the key: it applies at once.
// Evaluation errors are never cached.
//
// Memory is bounded like TokenCache: sharded, at most max_entries, expired entries dropped
// first. Thread-safety: all member functions are safe to call concurrently.

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/pep/policy_decider.hpp"

namespace dts::gateway::pep {

class DecisionCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kShards = 16;

  DecisionCache(size_t max_entries, std::chrono::milliseconds ttl);
  DecisionCache(const DecisionCache&) = delete;
  DecisionCache& operator=(const DecisionCache&) = delete;

  bool enabled() const { return per_shard_ > 0 && ttl_.count() > 0; }

  // `key_material` is hashed; callers build it with key_part().
  std::optional<PolicyDecision> get(std::string_view key_material, Clock::time_point now) const;
  void put(std::string_view key_material, const PolicyDecision& decision, Clock::time_point now);
  size_t size() const;

  // Appends a length-prefixed field, so ("ab","c") and ("a","bc") give different keys.
  static void key_part(std::string& out, std::string_view field);

 private:
  struct Entry {
    PolicyDecision decision;
    Clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;  // guarded by mu
  };
  static std::string digest(std::string_view material);

  size_t per_shard_;
  std::chrono::milliseconds ttl_;
  std::array<Shard, kShards> shards_;
};

}  // namespace dts::gateway::pep
