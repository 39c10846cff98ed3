#pragma once
// `TokenCache`: verified access tokens, so a client's repeated requests cost one hash and one
// map lookup instead of a signature verification.
//
// Keys are the SHA-256 of the token (the token itself is never stored). An entry is served
// only while now < the token's "exp" (strictly: the verifier's clock-skew leeway is not
// extended to cached tokens), so caching never accepts a token the verifier would refuse
// for its age. Keys removed from the issuer's JWKS do not revoke cached tokens before they
// expire — the same as any JWT validator that does not call the issuer per request.
//
// Memory is bounded: kShards shards, each with at most max_entries / kShards entries; an
// insert into a full shard first drops expired entries, then an arbitrary one.
//
// Thread-safety: all member functions are safe to call concurrently.

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/pep/principal.hpp"

namespace dts::gateway::pep {

class TokenCache {
 public:
  using SystemTime = std::chrono::system_clock::time_point;
  static constexpr size_t kShards = 16;

  explicit TokenCache(size_t max_entries);
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The cached principal for `token`, or nullptr (absent or expired).
  std::shared_ptr<const Principal> get(std::string_view token, SystemTime now) const;
  // Caches `principal` until principal->expires. No-op when max_entries is 0.
  void put(std::string_view token, std::shared_ptr<const Principal> principal, SystemTime now);

  size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const Principal>> entries;  // guarded
  };
  static std::string digest(std::string_view token);
  static size_t shard_index(const std::string& digest);

  size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace dts::gateway::pep
