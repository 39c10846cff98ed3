#include "gateway/gateway_metrics.hpp"

#include <string>

namespace dts::gateway {

std::string_view status_class(unsigned status) {
  switch (status / 100) {
    case 1: return "1xx";
    case 2: return "2xx";
    case 3: return "3xx";
    case 4: return "4xx";
    default: return "5xx";
  }
}

void GatewayMetrics::request(std::string_view rule, std::string_view group, unsigned status,
                             double seconds) {
  std::string cls(status_class(status));
  registry_
      .counter("gateway_requests_total", "Requests answered by the gateway",
               {{"rule", std::string(rule)}, {"group", std::string(group)}, {"status_class", cls}})
      .inc();
  registry_
      .histogram("gateway_request_duration_seconds", "Time from request head to answer",
                 {{"rule", std::string(rule)}, {"status_class", cls}})
      .observe(seconds);
}

void GatewayMetrics::upstream_latency(std::string_view group, double seconds) {
  registry_
      .histogram("gateway_upstream_duration_seconds", "Time to the upstream response head",
                 {{"group", std::string(group)}})
      .observe(seconds);
}

void GatewayMetrics::rejected(std::string_view reason) {
  registry_
      .counter("gateway_rejected_total", "Requests refused before reaching an upstream",
               {{"reason", std::string(reason)}})
      .inc();
}

void GatewayMetrics::upstream_error(std::string_view group, std::string_view kind) {
  registry_
      .counter("gateway_upstream_errors_total", "Failed upstream attempts",
               {{"group", std::string(group)}, {"kind", std::string(kind)}})
      .inc();
}

void GatewayMetrics::retry(std::string_view group) {
  registry_
      .counter("gateway_retries_total", "Requests retried on another target",
               {{"group", std::string(group)}})
      .inc();
}

metrics::Counter& GatewayMetrics::fail_open_counter(std::string_view group) {
  return registry_.counter("gateway_fail_open_total",
                           "Requests forwarded to a not-healthy target because no target was "
                           "healthy",
                           {{"group", std::string(group)}});
}

void GatewayMetrics::target_health(std::string_view group, std::string_view target,
                                   bool routable) {
  registry_
      .gauge("gateway_target_healthy", "1 when the target receives traffic",
             {{"group", std::string(group)}, {"target", std::string(target)}})
      .set(routable ? 1 : 0);
}

}  // namespace dts::gateway
