#pragma once
// The gateway's Prometheus series (design.md §4.13), on top of the server's own
// http_requests_total{route=<rule>}:
//   gateway_requests_total{rule,group,status_class}
//   gateway_request_duration_seconds{rule,status_class}
//   gateway_upstream_duration_seconds{group}     time to the upstream's response head
//   gateway_target_healthy{group,target}         1 routable, 0 not (updated each tick)
//   gateway_rejected_total{reason}               refused before any upstream
//   gateway_upstream_errors_total{group,kind}    connect, timeout, protocol
//   gateway_retries_total{group}
//   gateway_fail_open_total{group}               forwarded to a target that was not healthy
//                                                because none was (fail-open)
//
// Thread-safety: the registry is thread-safe.

#include <string_view>

#include "common/metrics.hpp"

namespace dts::gateway {

class GatewayMetrics {
 public:
  explicit GatewayMetrics(metrics::Registry& registry) : registry_(registry) {}

  void request(std::string_view rule, std::string_view group, unsigned status, double seconds);
  void upstream_latency(std::string_view group, double seconds);
  void rejected(std::string_view reason);
  void upstream_error(std::string_view group, std::string_view kind);
  void retry(std::string_view group);
  // gateway_fail_open_total{group}, for the group to count its own fail-open picks.
  metrics::Counter& fail_open_counter(std::string_view group);
  void target_health(std::string_view group, std::string_view target, bool routable);

  metrics::Registry& registry() { return registry_; }

 private:
  metrics::Registry& registry_;
};

std::string_view status_class(unsigned status);

}  // namespace dts::gateway
