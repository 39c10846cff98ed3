#pragma once
// `Enforcer`: the gateway's policy enforcement point. For one request it answers allow (with
// the identity headers to forward) or deny (with the status and problem details to send).
//
// Order of checks (cheap and key-free first):
//   1. per-IP rate limit                 429 + Retry-After   reason "rate_limited_ip"
//   2. Authorization header              no header: anonymous (the policy may allow public
//                                        routes); not "Bearer <token>": 401 "invalid_token"
//   3. access token (authenticator.hpp)  401 + WWW-Authenticate: Bearer error="invalid_token"
//   4. per-principal rate limit          429 + Retry-After   reason "rate_limited_principal"
//   5. X-Tenant-Id syntax                400 "bad_tenant"
//   6. policy (policy_decider.hpp)       deny: 403 "forbidden" (401 "unauthenticated" when
//                                        anonymous); no decision: 503 "policy_unavailable"
// Allow: Decision::upstream_headers carries X-Dts-Principal, X-Dts-Tenant, X-Dts-Groups and
// X-Dts-Signature (common/internal_auth.hpp, when DTS_INTERNAL_KEY is set) plus the policy's
// headers. The gateway must strip every incoming X-Dts-* header before adding these, and
// must forward X-Request-Id = RequestView::request_id (the signature covers it).
//
// Usage (in the gateway's request coroutine):
//   auto enforcer = pep::Enforcer::create(pep::read_enforcer_config(reader), executor,
//                                         &registry).value();          // start-up
//   co_await enforcer->warm_up();                                      // optional
//   pep::RequestView view{req.method, normalized_path, req.remote_address, req.request_id,
//                         pep::RequestView::lookup(req.headers)};
//   pep::Decision d = co_await enforcer->enforce(view);
//   if (!d.allow) co_return pep::to_response(d, req.request_id);
//   for (auto& [k, v] : d.upstream_headers) upstream.headers.set(k, v);
//
// Thread-safety: enforce() may run concurrently on every thread of the executor's io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/http/message.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "gateway/pep/config.hpp"
#include "gateway/pep/policy_input.hpp"
#include "policy/pdp/bundle.hpp"

namespace dts::gateway::pep {

class Authenticator;
class DecisionCache;
class PolicyDecider;
class PepMetrics;
class RateLimiter;

struct Decision {
  bool allow = false;
  int status = 200;    // 200 when allowed; 400/401/403/429/503 when not
  std::string reason;  // fixed code: "allowed", "invalid_token", "unauthenticated",
                       // "forbidden", "rate_limited_ip", "rate_limited_principal",
                       // "bad_tenant", "policy_unavailable"
  std::string detail;  // human-readable, safe to send (problem+json "detail")
  std::vector<std::pair<std::string, std::string>> upstream_headers;  // on allow
  std::string www_authenticate;                                       // on 401
  int retry_after_s = 0;                                              // on 429
  // For the access log.
  std::string principal;
  std::string tenant;
};

// The problem+json response for a denied decision (status, detail, request_id), with
// WWW-Authenticate / Retry-After set when the decision carries them.
http::Response to_response(const Decision& decision, std::string_view request_id);

// The X-Dts-Groups value (internal_auth::encode_groups; services read it back with
// internal_auth::decode_groups or InternalSigner::authenticate).
std::string encode_groups(const std::vector<std::string>& groups);

class Enforcer {
 public:
  // `metrics` may be null (a private registry is used). Fails when the issuers are invalid or
  // the local policy bundle cannot be activated.
  static Result<std::unique_ptr<Enforcer>> create(const EnforcerConfig& config,
                                                  boost::asio::any_io_executor executor,
                                                  metrics::Registry* metrics = nullptr);
  ~Enforcer();
  Enforcer(const Enforcer&) = delete;
  Enforcer& operator=(const Enforcer&) = delete;

  boost::asio::awaitable<Decision> enforce(const RequestView& request) const;

  // Fetches the issuers' JWKS once so the first requests do not wait (start-up). Returns the
  // number of issuers with keys.
  boost::asio::awaitable<size_t> warm_up() const;

  // Local policy bundle state (active revision, last error) for health endpoints.
  policy::pdp::BundleStatus policy_status() const;
  const EnforcerConfig& config() const { return config_; }

 private:
  Enforcer(const EnforcerConfig& config, boost::asio::any_io_executor executor,
           metrics::Registry* metrics);
  Decision deny(int status, std::string reason, std::string detail) const;
  void add_identity_headers(Decision& d, const std::string& groups, std::string_view method,
                            std::string_view path, std::string_view request_id) const;

  EnforcerConfig config_;
  std::unique_ptr<metrics::Registry> own_metrics_;
  std::shared_ptr<PepMetrics> metrics_;
  std::shared_ptr<Authenticator> auth_;
  std::unique_ptr<PolicyDecider> policy_;
  std::unique_ptr<DecisionCache> decisions_;
  std::unique_ptr<RateLimiter> ip_limiter_;
  std::unique_ptr<RateLimiter> principal_limiter_;
};

}  // namespace dts::gateway::pep
