#include "policy/pdp/service.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace dts::policy::pdp {
namespace {

constexpr const char* kService = "policy";

rego::EvalOptions eval_defaults() {
  rego::EvalOptions o;
  // A policy mistake must not stop a decision: builtin errors make the call undefined,
  // as OPA's server does unless ?strict-builtin-errors is set.
  o.strict_builtin_errors = false;
  return o;
}

}  // namespace

Config read_config(config::Reader& r) {
  Config c;
  c.runtime = read_runtime_config(r, kService, kDefaultPort);
  c.bundle_dir = r.string("POLICY_BUNDLE", "");
  c.bundle_poll = r.duration("POLICY_BUNDLE_POLL", c.bundle_poll);
  if (c.bundle_poll.count() <= 0) {
    r.add_error("POLICY_BUNDLE_POLL: must be positive");
  }
  c.max_input_bytes = r.bytes("POLICY_MAX_INPUT_BYTES", c.runtime.http.max_body_bytes);
  // The server cuts bodies off before any handler runs, so a larger input limit only
  // takes effect if the server's own limit grows with it.
  c.runtime.http.max_body_bytes = std::max(c.runtime.http.max_body_bytes, c.max_input_bytes);
  c.eval_timeout = r.duration("POLICY_EVAL_TIMEOUT", c.eval_timeout);
  c.default_decision = r.string("POLICY_DEFAULT_DECISION", c.default_decision);
  c.decision_log.enabled = r.one_of("DECISION_LOG", "off", {"off", "on"}) == "on";
  c.decision_log.include_input = r.boolean("DECISION_LOG_INPUT", false);
  c.decision_log.mask = parse_mask_list(r.string("DECISION_LOG_MASK", ""));
  for (const auto& p : c.decision_log.mask) {
    if (p[0] != '/') {
      r.add_error("DECISION_LOG_MASK: each entry must be a JSON pointer like /input/password");
      break;
    }
  }
  return c;
}

Pdp::Pdp(const Config& config, http::Server& server, metrics::Registry& metrics)
    : store_(eval_defaults()), decisions_(config.decision_log) {
  if (!config.bundle_dir.empty()) {
    bundle_ = std::make_unique<BundleWatcher>(config.bundle_dir, store_, config.bundle_poll);
  }
  api_ = std::make_unique<Api>(store_, bundle_.get(), decisions_, metrics, config.max_input_bytes,
                               config.eval_timeout, config.default_decision);
  add_routes(server.router(), *api_);
  server.set_readiness([this]() -> boost::asio::awaitable<Status> {
    if (ready()) {
      co_return ok_status();
    }
    co_return unavailable("no policy bundle is active yet");
  });
}

Pdp::~Pdp() {
  if (bundle_) {
    bundle_->stop();
  }
}

void Pdp::start() {
  if (bundle_) {
    bundle_->reload_now();
    bundle_->start();
  }
}

bool Pdp::ready() const { return !bundle_ || bundle_->status().active; }

int run(const Config& config, const Status& status) {
  std::unique_ptr<Pdp> pdp;  // declared before the server: outlives it
  return run_service(config.runtime, status, [&](ServiceContext& ctx) -> Status {
    pdp = std::make_unique<Pdp>(config, ctx.server, ctx.metrics);
    pdp->start();
    log::info("policy decision point configured", {{"bundle", config.bundle_dir},
                                                   {"decision_log", config.decision_log.enabled},
                                                   {"default_decision", config.default_decision}});
    return ok_status();
  });
}

}  // namespace dts::policy::pdp
