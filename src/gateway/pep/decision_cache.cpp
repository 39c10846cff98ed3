#include "gateway/pep/decision_cache.hpp"

#include <algorithm>
#include <cstdlib>

#include "common/digest.hpp"

namespace dts::gateway::pep {

DecisionCache::DecisionCache(size_t max_entries, std::chrono::milliseconds ttl)
    : per_shard_(max_entries == 0 ? 0 : std::max<size_t>(1, max_entries / kShards)), ttl_(ttl) {}

void DecisionCache::key_part(std::string& out, std::string_view field) {
  out.append(std::to_string(field.size()));
  out.push_back(':');
  out.append(field);
}

std::string DecisionCache::digest(std::string_view material) {
  digest::Sha256 md = digest::sha256(material);
  return std::string(reinterpret_cast<const char*>(md.data()), md.size());
}

std::optional<PolicyDecision> DecisionCache::get(std::string_view material,
                                                 Clock::time_point now) const {
  if (!enabled()) {
    return std::nullopt;
  }
  std::string d = digest(material);
  const Shard& shard = shards_[static_cast<unsigned char>(d[0]) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(d);
  if (it == shard.entries.end() || !(now < it->second.expires)) {
    return std::nullopt;
  }
  return it->second.decision;
}

void DecisionCache::put(std::string_view material, const PolicyDecision& decision,
                        Clock::time_point now) {
  if (!enabled() || decision.error) {
    return;
  }
  std::string d = digest(material);
  Shard& shard = shards_[static_cast<unsigned char>(d[0]) % kShards];
  std::lock_guard lock(shard.mu);
  if (shard.entries.size() >= per_shard_ && shard.entries.find(d) == shard.entries.end()) {
    std::erase_if(shard.entries, [now](const auto& e) { return !(now < e.second.expires); });
    if (shard.entries.size() >= per_shard_) {
      shard.entries.erase(shard.entries.begin());
    }
  }
  shard.entries[std::move(d)] = Entry{decision, now + ttl_};
}

size_t DecisionCache::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace dts::gateway::pep
