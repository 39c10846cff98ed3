#pragma once
// `PolicyDecider`: asks the platform policy for a decision on one policy input.
//
// Two modes, chosen at start-up:
//   local   the bundle directory (POLICY_BUNDLE, default policies/) is compiled in-process
//           with the Rego engine. It reuses the PDP's own machinery (policy/pdp Store +
//           BundleWatcher): a new version on disk is compiled and its *_test.rego tests run
//           before it replaces the old one atomically, so an edit takes effect within one
//           poll interval (POLICY_BUNDLE_POLL, 500ms) without failing a request, and a broken
//           version keeps the last good one serving (logged, and in status()).
//   remote  POLICY_URL: POST <url>/v1/data/<decision_path> {"input":...}, OPA's REST API
//           (`dts policy serve` or a real OPA); bounded by POLICY_TIMEOUT.
//
// The decision document is `data.<decision_path>` (data.dts.authz): either a boolean, or an
// object with "allow" (boolean), optional "reason" (string) and "headers" (object of
// string -> string to add to the upstream request). Anything else — undefined, an
// evaluation error, a PDP that does not answer — is a deny that is marked as an error
// (fail closed: the caller answers 503 rather than 403).
//
// Thread-safety: decide() may be called concurrently.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/http/client.hpp"
#include "common/result.hpp"
#include "gateway/pep/config.hpp"
#include "policy/pdp/bundle.hpp"
#include "policy/pdp/store.hpp"
#include "rego/value.hpp"

namespace dts::gateway::pep {

struct PolicyDecision {
  bool allow = false;
  bool error = false;  // no usable decision (undefined, eval error, PDP unreachable)
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Interprets a decision document (see the header comment). Exposed for tests.
PolicyDecision parse_decision(const rego::Value& document);

class PolicyDecider {
 public:
  static Result<std::unique_ptr<PolicyDecider>> create(const EnforcerConfig& config,
                                                       boost::asio::any_io_executor executor);
  ~PolicyDecider();

  boost::asio::awaitable<PolicyDecision> decide(rego::Value input) const;

  bool remote() const { return !url_.empty(); }
  // The active local policy version (changes at every reload); 0 for a remote PDP.
  uint64_t revision() const;
  // Local mode: the bundle's state (active revision, last error). Empty in remote mode.
  policy::pdp::BundleStatus bundle_status() const;

 private:
  PolicyDecider(const EnforcerConfig& config, boost::asio::any_io_executor executor);
  PolicyDecision decide_local(const rego::Value& input) const;

  policy::pdp::DocPath path_;
  std::chrono::milliseconds timeout_;
  std::string url_;  // remote: full URL of the decision document
  std::unique_ptr<policy::pdp::Store> store_;
  std::unique_ptr<policy::pdp::BundleWatcher> watcher_;
  std::unique_ptr<http::Client> client_;
};

}  // namespace dts::gateway::pep
