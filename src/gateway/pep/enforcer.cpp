#include "gateway/pep/enforcer.hpp"

#include "common/http/problem.hpp"
#include "common/internal_auth.hpp"
#include "common/log.hpp"
#include "gateway/pep/authenticator.hpp"
#include "gateway/pep/decision_cache.hpp"
#include "gateway/pep/pep_metrics.hpp"
#include "gateway/pep/policy_decider.hpp"
#include "gateway/pep/rate_limiter.hpp"

namespace dts::gateway::pep {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

// "Bearer <token>" (scheme case-insensitive, RFC 7235); nullopt when malformed.
std::optional<std::string> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || !http::iequals(header.substr(0, 7), kScheme)) {
    return std::nullopt;
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(token);
}

// Everything the input is built from except request_id and time_ns (decision_cache.hpp).
std::string decision_key(uint64_t revision, const RequestView& request, const std::string& token,
                         const std::string& tenant, const std::vector<std::string>& headers) {
  std::string k;
  k.reserve(128 + token.size() + request.path.size());
  DecisionCache::key_part(k, std::to_string(revision));
  DecisionCache::key_part(k, request.method);
  DecisionCache::key_part(k, request.path);
  DecisionCache::key_part(k, tenant);
  DecisionCache::key_part(k, request.source_ip);
  DecisionCache::key_part(k, token);
  for (const auto& name : headers) {
    auto v = request.get(name);
    DecisionCache::key_part(k, v ? "1" : "0");  // absent and empty differ
    DecisionCache::key_part(k, v ? *v : std::string_view());
  }
  return k;
}

}  // namespace

std::string encode_groups(const std::vector<std::string>& groups) {
  return internal_auth::encode_groups(groups);
}

http::Response to_response(const Decision& d, std::string_view request_id) {
  std::string type = "urn:dts:problem:" + d.reason;
  http::Response r = http::problem(static_cast<unsigned>(d.status), d.detail, request_id, type);
  if (!d.www_authenticate.empty()) {
    r.headers.set("WWW-Authenticate", d.www_authenticate);
  }
  if (d.retry_after_s > 0) {
    r.headers.set("Retry-After", std::to_string(d.retry_after_s));
  }
  return r;
}

Enforcer::Enforcer(const EnforcerConfig& config, asio::any_io_executor, metrics::Registry* reg)
    : config_(config) {
  if (reg == nullptr) {
    own_metrics_ = std::make_unique<metrics::Registry>();
    reg = own_metrics_.get();
  }
  metrics_ = std::make_shared<PepMetrics>(*reg);
  ip_limiter_ = std::make_unique<RateLimiter>(config.ip_limit);
  principal_limiter_ = std::make_unique<RateLimiter>(config.principal_limit);
  decisions_ =
      std::make_unique<DecisionCache>(config.decision_cache_entries, config.decision_cache_ttl);
}

Enforcer::~Enforcer() = default;

Result<std::unique_ptr<Enforcer>> Enforcer::create(const EnforcerConfig& config,
                                                   asio::any_io_executor executor,
                                                   metrics::Registry* metrics) {
  std::unique_ptr<Enforcer> e(new Enforcer(config, executor, metrics));
  auto auth = Authenticator::create(config, executor, e->metrics_);
  if (!auth.ok()) {
    return auth.error();
  }
  e->auth_ = std::move(auth).value();
  auto policy = PolicyDecider::create(config, executor);
  if (!policy.ok()) {
    return policy.error();
  }
  e->policy_ = std::move(policy).value();
  if (!config.signer) {
    log::warn("DTS_INTERNAL_KEY is not set: upstream requests carry no X-Dts-Signature");
  }
  return e;
}

asio::awaitable<size_t> Enforcer::warm_up() const { co_return co_await auth_->prefetch(); }

policy::pdp::BundleStatus Enforcer::policy_status() const { return policy_->bundle_status(); }

Decision Enforcer::deny(int status, std::string reason, std::string detail) const {
  Decision d;
  d.allow = false;
  d.status = status;
  d.reason = std::move(reason);
  d.detail = std::move(detail);
  metrics_->rejected(d.reason);
  metrics_->decision(false);
  return d;
}

void Enforcer::add_identity_headers(Decision& d, const std::string& groups, std::string_view method,
                                    std::string_view path, std::string_view request_id) const {
  d.upstream_headers.emplace_back(internal_auth::kPrincipalHeader, d.principal);
  d.upstream_headers.emplace_back(internal_auth::kTenantHeader, d.tenant);
  d.upstream_headers.emplace_back(internal_auth::kGroupsHeader, groups);
  if (config_.signer) {
    internal_auth::SignedFields f{method, path, d.principal, d.tenant, groups, request_id};
    auto sig = config_.signer->sign(f, std::chrono::system_clock::now());
    if (sig.ok()) {
      d.upstream_headers.emplace_back(internal_auth::kSignatureHeader, *sig);
    }
  }
}

asio::awaitable<Decision> Enforcer::enforce(const RequestView& request) const {
  // 1. Per-IP limit first: it protects the signature check and the policy from floods.
  if (RateDecision r = ip_limiter_->take(request.source_ip); !r.allowed) {
    Decision d = deny(429, "rate_limited_ip", "too many requests from this address");
    d.retry_after_s = r.retry_after_s;
    co_return d;
  }

  // 2-3. Authentication. No header = anonymous; the policy decides whether that is enough.
  std::shared_ptr<const Principal> principal;
  std::string bearer;  // kept for the decision cache key (it stands for every claim)
  std::optional<std::string_view> authorization = request.get("Authorization");
  if (authorization) {
    auto token = bearer_token(*authorization);
    if (!token) {
      Decision d = deny(401, "invalid_token", "the Authorization header is not a Bearer token");
      d.www_authenticate = "Bearer realm=\"" + config_.realm + "\", error=\"invalid_token\"";
      co_return d;
    }
    bearer = *token;
    AuthOutcome auth = co_await auth_->authenticate(std::move(*token));
    if (!auth.principal) {
      // The message names the failed check only ("jwt expired: token expired"). Debug level:
      // the access log already records the 401, and a flood of bad tokens must not become a
      // flood of log lines.
      log::debug("access token refused",
                 {{"request_id", std::string(request.request_id)}, {"error", auth.message}});
      Decision d = deny(401, "invalid_token", "the access token is not valid");
      std::string check(jwt::check_name(auth.failed));
      d.www_authenticate = "Bearer realm=\"" + config_.realm +
                           "\", error=\"invalid_token\", error_description=\"" + check + "\"";
      co_return d;
    }
    principal = std::move(auth.principal);
  }

  // 4. Per-principal limit (issuer + subject: subjects are unique per issuer only).
  if (principal) {
    std::string key = principal->issuer + "|" + principal->subject;
    if (RateDecision r = principal_limiter_->take(key); !r.allowed) {
      Decision d = deny(429, "rate_limited_principal", "too many requests for this principal");
      d.retry_after_s = r.retry_after_s;
      d.principal = principal->subject;
      co_return d;
    }
  }

  // 5. Tenant selection.
  std::optional<std::string_view> requested = request.get(kTenantHeader);
  if (requested && !valid_tenant_id(*requested)) {
    co_return deny(400, "bad_tenant", "X-Tenant-Id must be 1-64 characters of [A-Za-z0-9._-]");
  }
  std::string tenant = resolve_tenant(requested, principal.get());

  // 6. Policy: a recent identical decision, else an evaluation.
  std::string cache_key;
  std::optional<PolicyDecision> cached;
  if (decisions_->enabled()) {
    cache_key = decision_key(policy_->revision(), request, bearer, tenant, config_.input_headers);
    cached = decisions_->get(cache_key, SteadyClock::now());
    metrics_->decision_cache(cached.has_value());
  }
  PolicyDecision pd;
  if (cached) {
    pd = std::move(*cached);
  } else {
    int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    rego::Value input =
        build_input(request, principal.get(), tenant, config_.input_headers, now_ns);
    auto started = SteadyClock::now();
    pd = co_await policy_->decide(std::move(input));
    auto finished = SteadyClock::now();
    metrics_->policy_latency(std::chrono::duration<double>(finished - started).count());
    if (!cache_key.empty()) {
      decisions_->put(cache_key, pd, finished);
    }
  }

  if (pd.error) {
    log::error("no policy decision; request refused",
               {{"request_id", std::string(request.request_id)}, {"reason", pd.reason}});
    co_return deny(503, "policy_unavailable", "authorization is temporarily unavailable");
  }
  if (!pd.allow) {
    if (!principal) {
      Decision d = deny(401, "unauthenticated", "this route requires a bearer access token");
      d.www_authenticate = "Bearer realm=\"" + config_.realm + "\"";
      co_return d;
    }
    Decision d = deny(403, "forbidden",
                      pd.reason.empty() ? "the policy does not allow this request" : pd.reason);
    d.principal = principal->subject;
    d.tenant = tenant;
    co_return d;
  }

  Decision d;
  d.allow = true;
  d.status = 200;
  d.reason = "allowed";
  d.detail = pd.reason;
  if (principal) {
    d.principal = principal->subject;
    // The policy allowed the request; the tenant is vouched for only if the caller is in it.
    if (holds_tenant(principal.get(), tenant)) d.tenant = tenant;
  }
  std::string groups = principal ? encode_groups(principal->groups) : std::string();
  add_identity_headers(d, groups, request.method,
                       request.signed_path.empty() ? request.path : request.signed_path,
                       request.request_id);
  for (auto& h : pd.headers) {
    d.upstream_headers.push_back(std::move(h));
  }
  metrics_->decision(true);
  co_return d;
}

}  // namespace dts::gateway::pep
