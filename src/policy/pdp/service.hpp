#pragma once
// `dts policy serve`: the policy decision point (OPA's role, port 8181).
//
// Wiring only: config -> Store -> bundle watcher -> decision logger -> routes -> readiness.
// The OPA REST API itself is in routes.cpp, the policy state in store.cpp, bundle loading
// and hot reload in bundle.cpp.
//
// Environment (plus the common HOST, PORT, HTTP_* ... of service_runtime.hpp):
//   POLICY_BUNDLE            bundle directory loaded at start and hot-reloaded (optional)
//   POLICY_BUNDLE_POLL       how often the bundle is checked for changes (500ms)
//   POLICY_MAX_INPUT_BYTES   largest JSON body accepted on the OPA API (HTTP_MAX_BODY_BYTES)
//   POLICY_EVAL_TIMEOUT      deadline of one evaluation (5s)
//   POLICY_DEFAULT_DECISION  data path answered by POST / (system/main, as OPA)
//   DECISION_LOG             off|on (off)
//   DECISION_LOG_INPUT       include the input in decision logs (false)
//   DECISION_LOG_MASK        comma-separated JSON pointers redacted in decision logs

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/config.hpp"
#include "common/service_runtime.hpp"
#include "policy/pdp/bundle.hpp"
#include "policy/pdp/decision_log.hpp"
#include "policy/pdp/routes.hpp"
#include "policy/pdp/store.hpp"

namespace dts::policy::pdp {

inline constexpr uint16_t kDefaultPort = 8181;

struct Config {
  RuntimeConfig runtime;
  std::string bundle_dir;  // empty = no bundle (policies and data via the API only)
  std::chrono::milliseconds bundle_poll{500};
  size_t max_input_bytes = 1024 * 1024;
  std::chrono::milliseconds eval_timeout{5000};
  std::string default_decision = "system/main";
  DecisionLogOptions decision_log;
};

Config read_config(config::Reader& reader);

// The PDP's dependencies in start-up order. Construction adds the routes and the
// readiness check to `server`; start() loads the bundle and starts watching it.
// Thread-safety: construct and start before the server runs; destroy after it stopped.
class Pdp {
 public:
  Pdp(const Config& config, http::Server& server, metrics::Registry& metrics);
  ~Pdp();

  // Loads the bundle once (a failure is logged and reported, the server still starts so
  // /health?bundles can say why) and starts the hot-reload poller.
  void start();
  Store& store() { return store_; }
  const BundleWatcher* bundle() const { return bundle_.get(); }
  // Ready when no bundle is configured or a version of it is active.
  bool ready() const;

 private:
  Store store_;
  std::unique_ptr<BundleWatcher> bundle_;
  DecisionLogger decisions_;
  std::unique_ptr<Api> api_;
};

// Serves until SIGTERM/SIGINT; `status` carries config errors (exit 2).
int run(const Config& config, const Status& status);

}  // namespace dts::policy::pdp
