#include "gateway/pep/token_cache.hpp"

#include <algorithm>
#include <cstdlib>

#include "common/digest.hpp"

namespace dts::gateway::pep {

TokenCache::TokenCache(size_t max_entries)
    : per_shard_(max_entries == 0 ? 0 : std::max<size_t>(1, max_entries / kShards)) {}

std::string TokenCache::digest(std::string_view token) {
  digest::Sha256 md = digest::sha256(token);
  return std::string(reinterpret_cast<const char*>(md.data()), md.size());
}

size_t TokenCache::shard_index(const std::string& d) {
  // The digest is uniformly distributed: its first byte picks the shard.
  return static_cast<unsigned char>(d[0]) % kShards;
}

std::shared_ptr<const Principal> TokenCache::get(std::string_view token, SystemTime now) const {
  if (per_shard_ == 0) {
    return nullptr;
  }
  std::string d = digest(token);
  const Shard& shard = shards_[shard_index(d)];
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(d);
  if (it == shard.entries.end() || !(now < it->second->expires)) {
    return nullptr;
  }
  return it->second;
}

void TokenCache::put(std::string_view token, std::shared_ptr<const Principal> principal,
                     SystemTime now) {
  if (per_shard_ == 0 || !principal || !(now < principal->expires)) {
    return;
  }
  std::string d = digest(token);
  Shard& shard = shards_[shard_index(d)];
  std::lock_guard lock(shard.mu);
  if (shard.entries.size() >= per_shard_ && shard.entries.find(d) == shard.entries.end()) {
    std::erase_if(shard.entries, [now](const auto& e) { return !(now < e.second->expires); });
    if (shard.entries.size() >= per_shard_) {
      shard.entries.erase(shard.entries.begin());
    }
  }
  shard.entries[std::move(d)] = std::move(principal);
}

size_t TokenCache::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace dts::gateway::pep
