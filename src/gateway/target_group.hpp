#pragma once
// A target group: the targets one forward action balances over, with their health.
//
// Target states (ALB's): initial (registered, health unknown: gets no traffic until its
// first passing checks unless health checks are off), healthy, unhealthy, draining
// (deregistered: in-flight requests finish, no new ones; removed when idle or after the
// deregistration delay). Independently, passive ejection takes a target out for
// `ejection_duration` after `ejection_failures` consecutive connection errors.
//
// Selection: round robin or least outstanding requests over the routable targets; during
// slow start a target gets a share of traffic growing linearly from 10% to 100%.
//
// Fail-open (ALB's behaviour, `fail_open: true`, the default): when no target of the group
// is routable, a request goes to the targets that are `initial` or `unhealthy` and not
// passively ejected, by the same algorithm (slow start ignored). Draining targets never get
// new requests, and a target just ejected for connection errors is known not to accept
// connections, so neither is ever a fail-open candidate. With `fail_open: false` the group
// answers 503 instead.
//
// Thread-safety: every method may be called from any thread (one mutex per group).
// Leases are counted atomically and may outlive a reload or the target's removal.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.hpp"
#include "common/result.hpp"
#include "gateway/config.hpp"

namespace dts::gateway {

using Clock = std::chrono::steady_clock;

enum class TargetHealth { kInitial, kHealthy, kUnhealthy, kDraining };
std::string_view health_name(TargetHealth h);

struct Target {
  TargetAddress address;
  std::string id;
  bool from_config = false;
  std::atomic<int> outstanding{0};
  // The rest is guarded by the group's mutex.
  TargetHealth health = TargetHealth::kInitial;
  std::string reason;  // last health check failure, for the admin API
  int consecutive_ok = 0;
  int consecutive_fail = 0;
  int consecutive_connect_errors = 0;
  Clock::time_point healthy_since{};
  Clock::time_point ejected_until{};
  Clock::time_point drain_deadline{};
  uint64_t requests = 0;
};

// Counts one in-flight request on a target for its lifetime.
class TargetLease {
 public:
  TargetLease() = default;
  explicit TargetLease(std::shared_ptr<Target> t, bool failed_open = false)
      : target_(std::move(t)), failed_open_(failed_open) {
    if (target_) target_->outstanding.fetch_add(1);
  }
  ~TargetLease() { release(); }
  TargetLease(TargetLease&& o) noexcept
      : target_(std::move(o.target_)), failed_open_(o.failed_open_) {}
  TargetLease& operator=(TargetLease&& o) noexcept {
    if (this != &o) {
      release();
      target_ = std::move(o.target_);
      failed_open_ = o.failed_open_;
    }
    return *this;
  }
  TargetLease(const TargetLease&) = delete;
  TargetLease& operator=(const TargetLease&) = delete;

  Target* get() const { return target_.get(); }
  Target* operator->() const { return target_.get(); }
  Target& operator*() const { return *target_; }
  explicit operator bool() const { return target_ != nullptr; }
  // True when the target was picked although not healthy, because nothing was (fail-open).
  bool failed_open() const { return failed_open_; }
  void release() {
    if (target_) target_->outstanding.fetch_sub(1);
    target_.reset();
  }

 private:
  std::shared_ptr<Target> target_;
  bool failed_open_ = false;
};

struct TargetSnapshot {
  std::string id;
  std::string health;
  std::string reason;
  int outstanding = 0;
  bool from_config = false;
  bool ejected = false;
  bool in_slow_start = false;
  uint64_t requests = 0;
};

class TargetGroup {
 public:
  explicit TargetGroup(TargetGroupConfig config);

  const std::string& name() const { return name_; }
  TargetGroupConfig config() const;
  // Reload: new settings; static targets added/drained to match the file. Targets
  // registered through the admin API are kept.
  void update(TargetGroupConfig config);

  // A target for a new request, not one of `exclude` (ids tried already). When no target
  // is routable and the group fails open, one of the fail-open candidates (see above; the
  // lease says failed_open()). Empty lease when there is nothing to pick.
  TargetLease pick(const std::vector<std::string>& exclude = {});

  // Passive health: connection-level outcome of a forward.
  void report_connect_error(Target& target);
  void report_success(Target& target);

  // Active health: one check result.
  void report_check(Target& target, bool ok, std::string reason);
  // Targets due for an active check (all but draining ones).
  std::vector<std::shared_ptr<Target>> check_list() const;

  // Admin API. Registering an existing id is a no-op (returns false), a draining one is
  // revived. Deregistering starts draining; kNotFound if unknown.
  Result<bool> register_target(const TargetAddress& address, bool from_config = false);
  Status deregister_target(const std::string& id);

  // Drops drained targets (idle or past their deadline); returns their ids.
  std::vector<std::string> sweep();

  std::vector<TargetSnapshot> snapshot() const;
  size_t routable_count() const;
  // Requests sent to a target that was not healthy because nothing was (fail-open).
  uint64_t fail_open_picks() const { return fail_open_picks_.load(); }
  // Also counts them in `counter` (gateway_fail_open_total{group}); it must outlive the group.
  void count_fail_open_in(metrics::Counter* counter) { fail_open_counter_.store(counter); }

 private:
  bool routable(const Target& t, Clock::time_point now) const;
  bool fail_open_candidate(const Target& t, Clock::time_point now) const;
  double slow_start_share(const Target& t, Clock::time_point now) const;

  std::string name_;
  mutable std::mutex mu_;
  TargetGroupConfig config_;
  std::vector<std::shared_ptr<Target>> targets_;
  uint64_t rr_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ull;
  std::atomic<uint64_t> fail_open_picks_{0};
  std::atomic<metrics::Counter*> fail_open_counter_{nullptr};
};

}  // namespace dts::gateway
