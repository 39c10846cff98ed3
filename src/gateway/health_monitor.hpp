#pragma once
// Active health checks and housekeeping for every target group, from one timer loop:
// each group's targets are probed every `interval` (GET <path>, `timeout`, status matcher;
// `healthy_threshold`/`unhealthy_threshold` consecutive results flip the state), drained
// targets are removed once idle (or past the deregistration delay) and their pooled
// connections dropped, and the gateway_target_healthy gauges are refreshed.
//
// Thread-safety: start()/stop() from any thread; the loop runs on the given executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "common/http/client.hpp"
#include "gateway/gateway.hpp"

namespace dts::gateway {

class HealthMonitor {
 public:
  HealthMonitor(Gateway& gateway, boost::asio::any_io_executor executor,
                std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  void start();
  void stop() { stopped_->store(true); }

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> check(std::shared_ptr<TargetGroup> group,
                                     std::shared_ptr<Target> target, HealthCheckConfig cfg);

  Gateway& gateway_;
  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds tick_;
  std::shared_ptr<http::Client> client_;
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
  std::map<std::string, Clock::time_point> next_check_;  // by group name; loop-only
};

}  // namespace dts::gateway
