#include "gateway/health_monitor.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace asio = boost::asio;

namespace dts::gateway {

HealthMonitor::HealthMonitor(Gateway& gateway, asio::any_io_executor executor,
                             std::chrono::milliseconds tick)
    : gateway_(gateway), executor_(executor), tick_(tick) {
  http::ClientOptions o;
  o.max_retries = 0;  // a check is one attempt: a retry would hide a flapping target
  o.max_idle_per_host = 2;
  o.max_response_bytes = 64 * 1024;
  o.user_agent = "dts-gateway-health";
  client_ = std::make_shared<http::Client>(executor, o);
}

void HealthMonitor::start() { asio::co_spawn(executor_, loop(), asio::detached); }

asio::awaitable<void> HealthMonitor::check(std::shared_ptr<TargetGroup> group,
                                           std::shared_ptr<Target> target,
                                           HealthCheckConfig cfg) {
  http::ClientRequest req;
  req.url = "http://" + target->address.host + ":" + std::to_string(target->address.port) +
            cfg.path;
  req.timeout = cfg.timeout;
  auto client = client_;
  auto result = co_await client->request(std::move(req));
  bool ok = false;
  std::string reason;
  if (!result.ok()) {
    reason = result.error().message();
  } else {
    unsigned s = result->status;
    for (const auto& range : cfg.matcher) {
      if (s >= range.low && s <= range.high) ok = true;
    }
    if (!ok) reason = "health check answered " + std::to_string(s);
  }
  auto before = group->snapshot();
  group->report_check(*target, ok, reason);
  auto after = group->snapshot();
  for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
    if (before[i].id == after[i].id && before[i].health != after[i].health) {
      log::info("target health changed", {{"group", group->name()},
                                          {"target", after[i].id},
                                          {"from", before[i].health},
                                          {"to", after[i].health},
                                          {"reason", after[i].reason}});
    }
  }
}

asio::awaitable<void> HealthMonitor::loop() {
  auto stopped = stopped_;
  asio::steady_timer timer(executor_);
  while (!stopped->load()) {
    auto now = Clock::now();
    for (const auto& group : gateway_.groups()) {
      auto cfg = group->config();
      auto& due = next_check_[group->name()];
      if (cfg.health.enabled && now >= due) {
        due = now + cfg.health.interval;
        for (auto& target : group->check_list()) {
          asio::co_spawn(executor_, check(group, target, cfg.health), asio::detached);
        }
      }
      for (const auto& id : group->sweep()) {
        auto addr = parse_target_address(id);
        if (addr.ok()) gateway_.pool().forget(addr->host, addr->port);
        log::info("target deregistered", {{"group", group->name()}, {"target", id}});
        gateway_.metrics().target_health(group->name(), id, false);
      }
      for (const auto& t : group->snapshot()) {
        gateway_.metrics().target_health(group->name(), t.id,
                                         t.health == "healthy" && !t.ejected);
      }
    }
    timer.expires_after(tick_);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace dts::gateway
