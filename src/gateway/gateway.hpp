#pragma once
// The gateway's request pipeline (the ALB listener):
//
//   head received -> framing checks (smuggling) -> path normalization -> rule selection
//   -> body limit -> CORS preflight -> strip X-Dts-* -> [protected: PEP] -> action
//   (forward to a weighted target group | fixed response | redirect | static web app)
//
// Routing state (rules + target groups) is an immutable snapshot swapped on reload, so a
// request in flight keeps the snapshot it started with; target groups live across
// reloads (same name = same group, health and registrations kept).
//
// Thread-safety: handle() runs concurrently on every connection; reload() and the admin
// calls may come from any thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/http/stream.hpp"
#include "common/http/upstream.hpp"
#include "common/metrics.hpp"
#include "gateway/config.hpp"
#include "gateway/enforcement.hpp"
#include "gateway/gateway_metrics.hpp"
#include "gateway/static_site.hpp"
#include "gateway/target_group.hpp"

namespace dts::gateway {

struct GatewayOptions {
  std::string config_path;             // GATEWAY_CONFIG
  std::filesystem::path web_root;      // GATEWAY_WEB_ROOT
  uint64_t body_cap = uint64_t{1} << 30;  // GATEWAY_MAX_BODY_BYTES: no rule may allow more
  http::UpstreamOptions upstream;
  EnvLookup env;                       // ${...} substitution in the config file
};

class Gateway {
 public:
  Gateway(GatewayOptions options, boost::asio::any_io_executor executor,
          metrics::Registry& registry);

  // Installs a parsed configuration (start-up and reload).
  void apply(GatewayConfig config);
  // Re-reads the config file; on error keeps the current configuration.
  Status reload();

  void set_enforcer(EnforceFn enforcer) { enforcer_ = std::move(enforcer); }

  // The StreamHandler of the public listener.
  boost::asio::awaitable<http::StreamOutcome> handle(http::Request& request,
                                                     http::BodyReader& body,
                                                     http::ResponseWriter& out);

  // Target groups by name (admin API, health monitor).
  std::shared_ptr<TargetGroup> group(const std::string& name) const;
  std::vector<std::shared_ptr<TargetGroup>> groups() const;
  boost::json::value describe() const;  // admin API listing

  http::UpstreamPool& pool() { return pool_; }
  GatewayMetrics& metrics() { return metrics_; }
  const GatewayOptions& options() const { return options_; }
  uint64_t config_generation() const;

 private:
  struct Routing {
    GatewayConfig config;
    std::map<std::string, std::shared_ptr<TargetGroup>> groups;
  };
  std::shared_ptr<const Routing> routing() const;
  TargetGroup* choose_group(const Routing& routing, const Rule& rule);
  void decorate(const Routing& routing, const http::Request& request, http::Headers& headers);
  std::optional<http::Response> preflight(const Routing& routing, const http::Request& request);

  GatewayOptions options_;
  GatewayMetrics metrics_;
  http::UpstreamPool pool_;
  StaticSite site_;
  EnforceFn enforcer_;
  mutable std::mutex mu_;
  std::shared_ptr<const Routing> routing_;
  std::map<std::string, std::shared_ptr<TargetGroup>> all_groups_;  // guarded by mu_
  uint64_t generation_ = 0;
  std::atomic<uint64_t> pick_counter_{0};
};

}  // namespace dts::gateway
