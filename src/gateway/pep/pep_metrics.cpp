#include "gateway/pep/pep_metrics.hpp"

#include <string>

namespace dts::gateway::pep {
namespace {

constexpr std::string_view kLookups = "gateway_jwt_cache_lookups_total";
constexpr std::string_view kLookupsHelp = "Verified-token cache lookups";
constexpr std::string_view kJwks = "gateway_jwks_fetches_total";
constexpr std::string_view kJwksHelp = "JWKS fetches from the configured issuers";
constexpr std::string_view kDecisions = "gateway_pep_decisions_total";
constexpr std::string_view kDecisionsHelp = "Enforcement decisions";

// Policy evaluation in-process takes microseconds; a remote PDP milliseconds.
std::vector<double> policy_buckets() {
  return {0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
          0.0025,   0.005,   0.01,     0.025,   0.05,   0.1,     0.25,   1};
}

}  // namespace

PepMetrics::PepMetrics(metrics::Registry& registry)
    : registry_(registry),
      cache_hits_(registry.counter(kLookups, kLookupsHelp, {{"result", "hit"}})),
      cache_misses_(registry.counter(kLookups, kLookupsHelp, {{"result", "miss"}})),
      cache_ratio_(registry.gauge("gateway_jwt_cache_hit_ratio",
                                  "Verified-token cache hits / lookups since start")),
      jwks_ok_(registry.counter(kJwks, kJwksHelp, {{"result", "ok"}})),
      jwks_error_(registry.counter(kJwks, kJwksHelp, {{"result", "error"}})),
      policy_latency_(registry.histogram("gateway_policy_decision_duration_seconds",
                                         "Time to obtain a policy decision", {}, policy_buckets())),
      decision_hits_(registry.counter("gateway_policy_decision_cache_total",
                                      "Policy decisions served from the decision cache",
                                      {{"result", "hit"}})),
      decision_misses_(registry.counter("gateway_policy_decision_cache_total",
                                        "Policy decisions served from the decision cache",
                                        {{"result", "miss"}})),
      allow_(registry.counter(kDecisions, kDecisionsHelp, {{"decision", "allow"}})),
      deny_(registry.counter(kDecisions, kDecisionsHelp, {{"decision", "deny"}})) {}

void PepMetrics::cache_lookup(bool hit) {
  (hit ? cache_hits_ : cache_misses_).inc();
  uint64_t hits = hit ? hits_.fetch_add(1, std::memory_order_relaxed) + 1
                      : hits_.load(std::memory_order_relaxed);
  uint64_t lookups = lookups_.fetch_add(1, std::memory_order_relaxed) + 1;
  cache_ratio_.set(static_cast<double>(hits) / static_cast<double>(lookups));
}

void PepMetrics::verification(std::string_view result) {
  // The label set is small and fixed (ok + the jwt::Check names), so a lookup is bounded.
  registry_
      .counter("gateway_jwt_verifications_total", "Access-token verifications (cache misses)",
               {{"result", std::string(result)}})
      .inc();
}

void PepMetrics::jwks_fetch(bool ok) { (ok ? jwks_ok_ : jwks_error_).inc(); }

void PepMetrics::decision(bool allow) { (allow ? allow_ : deny_).inc(); }

void PepMetrics::rejected(std::string_view reason) {
  // Reasons are the fixed codes of Decision::reason, never client-controlled text.
  registry_
      .counter("gateway_pep_rejected_total", "Requests refused by the enforcement point",
               {{"reason", std::string(reason)}})
      .inc();
}

}  // namespace dts::gateway::pep
