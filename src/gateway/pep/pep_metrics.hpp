#pragma once
// The enforcement point's metrics (design.md §4.13). Series are created once at start-up
// and then updated lock-free from request threads.
//
//   gateway_jwt_cache_lookups_total{result="hit|miss"}   verified-token cache
//   gateway_jwt_cache_hit_ratio                           hits / lookups since start
//   gateway_jwt_verifications_total{result="ok|<check>"}  full verifications (cache misses)
//   gateway_jwks_fetches_total{result="ok|error"}
//   gateway_policy_decision_duration_seconds              histogram (local or remote PDP;
//                                                          evaluations only, not cache hits)
//   gateway_policy_decision_cache_total{result="hit|miss"}
//   gateway_pep_decisions_total{decision="allow|deny"}
//   gateway_pep_rejected_total{reason="..."}               every refused request, by reason

#include <atomic>
#include <string_view>

#include "common/metrics.hpp"

namespace dts::gateway::pep {

class PepMetrics {
 public:
  explicit PepMetrics(metrics::Registry& registry);

  void cache_lookup(bool hit);
  void verification(std::string_view result);  // "ok" or a jwt::check_name
  void jwks_fetch(bool ok);
  void policy_latency(double seconds) { policy_latency_.observe(seconds); }
  void decision_cache(bool hit) { (hit ? decision_hits_ : decision_misses_).inc(); }
  void decision(bool allow);
  void rejected(std::string_view reason);

 private:
  metrics::Registry& registry_;
  metrics::Counter& cache_hits_;
  metrics::Counter& cache_misses_;
  metrics::Gauge& cache_ratio_;
  metrics::Counter& jwks_ok_;
  metrics::Counter& jwks_error_;
  metrics::Histogram& policy_latency_;
  metrics::Counter& decision_hits_;
  metrics::Counter& decision_misses_;
  metrics::Counter& allow_;
  metrics::Counter& deny_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> lookups_{0};
};

}  // namespace dts::gateway::pep
