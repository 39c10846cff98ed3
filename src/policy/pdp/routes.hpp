#pragma once
// The OPA REST API handlers: data (query and write), policies, the default decision
// (POST /) and GET /health. Errors use OPA's body shape (opa_errors.hpp), not
// problem+json, because OPA clients parse it.

#include <chrono>
#include <cstddef>

#include "common/http/router.hpp"
#include "common/metrics.hpp"
#include "policy/pdp/bundle.hpp"
#include "policy/pdp/decision_log.hpp"
#include "policy/pdp/store.hpp"

namespace dts::policy::pdp {

// What the handlers share; owned by the service and outliving the server.
struct Api {
  Store& store;
  const BundleWatcher* bundle;  // nullptr when no bundle is configured
  const DecisionLogger& decisions;
  size_t max_input_bytes;                  // larger bodies get OPA's 400, not the kit's 413
  std::chrono::milliseconds eval_timeout;  // per evaluation, also capped by the request's
  std::string default_decision;            // data path of POST /, e.g. "system/main"
  metrics::Counter& decisions_defined;
  metrics::Counter& decisions_undefined;
  metrics::Counter& decisions_failed;
  metrics::Histogram& eval_seconds;

  Api(Store& s, const BundleWatcher* b, const DecisionLogger& d, metrics::Registry& m,
      size_t max_input, std::chrono::milliseconds timeout, std::string decision);
};

void add_routes(http::Router& router, Api& api);

}  // namespace dts::policy::pdp
