#include "gateway/target_group.hpp"

#include <algorithm>

namespace dts::gateway {

std::string_view health_name(TargetHealth h) {
  switch (h) {
    case TargetHealth::kInitial: return "initial";
    case TargetHealth::kHealthy: return "healthy";
    case TargetHealth::kUnhealthy: return "unhealthy";
    case TargetHealth::kDraining: return "draining";
  }
  return "unknown";
}

TargetGroup::TargetGroup(TargetGroupConfig config) : name_(config.name) {
  update(std::move(config));
}

TargetGroupConfig TargetGroup::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

void TargetGroup::update(TargetGroupConfig config) {
  std::vector<TargetAddress> wanted = config.targets;
  {
    std::lock_guard lock(mu_);
    bool checks_were_on = config_.health.enabled;
    config_ = std::move(config);
    auto now = Clock::now();
    // Health checks switched off: targets count as healthy (ALB requires checks; a local
    // static upstream may not have a health route).
    for (auto& t : targets_) {
      if (!config_.health.enabled && t->health != TargetHealth::kDraining) {
        t->health = TargetHealth::kHealthy;
      } else if (config_.health.enabled && !checks_were_on &&
                 t->health == TargetHealth::kHealthy) {
        t->consecutive_ok = config_.health.healthy_threshold;
      }
    }
    // Static targets no longer in the file drain away.
    for (auto& t : targets_) {
      if (!t->from_config || t->health == TargetHealth::kDraining) continue;
      bool keep = std::any_of(wanted.begin(), wanted.end(),
                              [&](const TargetAddress& a) { return a.id() == t->id; });
      if (!keep) {
        t->health = TargetHealth::kDraining;
        t->drain_deadline = now + config_.deregistration_delay;
      }
    }
  }
  for (const auto& a : wanted) (void)register_target(a, true);
}

Result<bool> TargetGroup::register_target(const TargetAddress& address, bool from_config) {
  std::lock_guard lock(mu_);
  std::string id = address.id();
  for (auto& t : targets_) {
    if (t->id != id) continue;
    if (t->health == TargetHealth::kDraining) {
      // Re-registered while draining: back in service, health re-established first.
      t->health = config_.health.enabled ? TargetHealth::kInitial : TargetHealth::kHealthy;
      t->consecutive_ok = 0;
      t->consecutive_fail = 0;
      t->healthy_since = Clock::now();
      t->from_config = t->from_config || from_config;
      return true;
    }
    t->from_config = t->from_config || from_config;
    return false;
  }
  if (targets_.size() >= 1000) return resource_exhausted("target group " + name_ + " is full");
  auto t = std::make_shared<Target>();
  t->address = address;
  t->id = id;
  t->from_config = from_config;
  t->health = config_.health.enabled ? TargetHealth::kInitial : TargetHealth::kHealthy;
  t->healthy_since = Clock::now();
  targets_.push_back(std::move(t));
  return true;
}

Status TargetGroup::deregister_target(const std::string& id) {
  std::lock_guard lock(mu_);
  for (auto& t : targets_) {
    if (t->id != id) continue;
    if (t->health != TargetHealth::kDraining) {
      t->health = TargetHealth::kDraining;
      t->drain_deadline = Clock::now() + config_.deregistration_delay;
    }
    t->from_config = false;  // a reload must not resurrect what an operator removed
    return ok_status();
  }
  return not_found("no target " + id + " in group " + name_);
}

bool TargetGroup::routable(const Target& t, Clock::time_point now) const {
  return t.health == TargetHealth::kHealthy && t.ejected_until <= now;
}

bool TargetGroup::fail_open_candidate(const Target& t, Clock::time_point now) const {
  return (t.health == TargetHealth::kInitial || t.health == TargetHealth::kUnhealthy) &&
         t.ejected_until <= now;
}

double TargetGroup::slow_start_share(const Target& t, Clock::time_point now) const {
  if (config_.slow_start.count() <= 0) return 1.0;
  auto in = std::chrono::duration<double>(now - t.healthy_since).count();
  auto total = std::chrono::duration<double>(config_.slow_start).count();
  if (in >= total) return 1.0;
  return std::max(0.1, in / total);
}

TargetLease TargetGroup::pick(const std::vector<std::string>& exclude) {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  // Fail-open is decided on the whole group: a healthy target that this request already
  // tried (a retry) still counts, so a retry never spills onto unhealthy targets.
  bool any_routable = std::any_of(targets_.begin(), targets_.end(),
                                  [&](const auto& t) { return routable(*t, now); });
  bool failing_open = !any_routable && config_.fail_open;
  std::vector<std::shared_ptr<Target>*> candidates;
  for (auto& t : targets_) {
    if (!(failing_open ? fail_open_candidate(*t, now) : routable(*t, now))) continue;
    if (std::find(exclude.begin(), exclude.end(), t->id) != exclude.end()) continue;
    candidates.push_back(&t);
  }
  if (candidates.empty()) return {};
  auto share = [&](const Target& t) {
    return failing_open ? 1.0 : slow_start_share(t, now);
  };
  auto next_random = [this] {
    // xorshift64*: cheap, good enough to thin slow-start traffic.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return static_cast<double>((rng_ * 2685821657736338717ull) >> 11) / 9007199254740992.0;
  };
  std::shared_ptr<Target> chosen;
  size_t n = candidates.size();
  size_t start = static_cast<size_t>(rr_++ % n);
  if (config_.algorithm == Algorithm::kLeastOutstanding) {
    double best = 0;
    for (size_t i = 0; i < n; ++i) {
      auto& t = *candidates[(start + i) % n];
      double load = (t->outstanding.load() + 1) / share(*t);
      if (!chosen || load < best) {
        chosen = t;
        best = load;
      }
    }
  } else {
    for (size_t i = 0; i < n && !chosen; ++i) {
      auto& t = *candidates[(start + i) % n];
      double s = share(*t);
      if (s >= 1.0 || next_random() < s) chosen = t;
    }
    if (!chosen) chosen = *candidates[start];
  }
  ++chosen->requests;
  if (failing_open) {
    fail_open_picks_.fetch_add(1);
    if (auto* counter = fail_open_counter_.load()) counter->inc();
  }
  return TargetLease(chosen, failing_open);
}

void TargetGroup::report_connect_error(Target& target) {
  std::lock_guard lock(mu_);
  if (++target.consecutive_connect_errors >= config_.ejection_failures) {
    target.ejected_until = Clock::now() + config_.ejection_duration;
    target.consecutive_connect_errors = 0;
    target.reason = "ejected after connection errors";
  }
}

void TargetGroup::report_success(Target& target) {
  std::lock_guard lock(mu_);
  target.consecutive_connect_errors = 0;
}

void TargetGroup::report_check(Target& target, bool ok, std::string reason) {
  std::lock_guard lock(mu_);
  if (target.health == TargetHealth::kDraining) return;
  if (ok) {
    target.consecutive_fail = 0;
    ++target.consecutive_ok;
    if (target.health != TargetHealth::kHealthy &&
        target.consecutive_ok >= config_.health.healthy_threshold) {
      target.health = TargetHealth::kHealthy;
      target.healthy_since = Clock::now();
      target.ejected_until = {};  // an active pass ends a passive ejection early
      target.reason.clear();
    }
  } else {
    target.consecutive_ok = 0;
    ++target.consecutive_fail;
    target.reason = std::move(reason);
    if (target.consecutive_fail >= config_.health.unhealthy_threshold ||
        target.health == TargetHealth::kInitial) {
      if (target.consecutive_fail >= config_.health.unhealthy_threshold) {
        target.health = TargetHealth::kUnhealthy;
      }
    }
  }
}

std::vector<std::shared_ptr<Target>> TargetGroup::check_list() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Target>> out;
  for (const auto& t : targets_) {
    if (t->health != TargetHealth::kDraining) out.push_back(t);
  }
  return out;
}

std::vector<std::string> TargetGroup::sweep() {
  std::lock_guard lock(mu_);
  std::vector<std::string> removed;
  auto now = Clock::now();
  std::erase_if(targets_, [&](const std::shared_ptr<Target>& t) {
    bool gone = t->health == TargetHealth::kDraining &&
                (t->outstanding.load() == 0 || now >= t->drain_deadline);
    if (gone) removed.push_back(t->id);
    return gone;
  });
  return removed;
}

std::vector<TargetSnapshot> TargetGroup::snapshot() const {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  std::vector<TargetSnapshot> out;
  for (const auto& t : targets_) {
    TargetSnapshot s;
    s.id = t->id;
    s.health = std::string(health_name(t->health));
    s.reason = t->reason;
    s.outstanding = t->outstanding.load();
    s.from_config = t->from_config;
    s.ejected = t->ejected_until > now;
    s.in_slow_start = t->health == TargetHealth::kHealthy && slow_start_share(*t, now) < 1.0;
    s.requests = t->requests;
    out.push_back(std::move(s));
  }
  return out;
}

size_t TargetGroup::routable_count() const {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  return static_cast<size_t>(std::count_if(targets_.begin(), targets_.end(),
                                           [&](const auto& t) { return routable(*t, now); }));
}

}  // namespace dts::gateway
