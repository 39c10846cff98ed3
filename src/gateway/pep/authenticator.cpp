#include "gateway/pep/authenticator.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "common/log.hpp"
#include "jwt/jws.hpp"
#include "jwt/key_set.hpp"

namespace dts::gateway::pep {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxGroups = 100;
constexpr size_t kMaxGroupBytes = 256;

AuthOutcome refuse(jwt::Check check, std::string message) {
  AuthOutcome out;
  out.failed = check;
  out.message = std::move(message);
  return out;
}

std::string string_claim(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool usable_subject(std::string_view sub) {
  if (sub.empty() || sub.size() > 256) {
    return false;
  }
  for (unsigned char ch : sub) {
    if (ch < 0x20 || ch == 0x7f) return false;
  }
  return true;
}

}  // namespace

Authenticator::Authenticator(asio::any_io_executor executor, std::shared_ptr<PepMetrics> metrics,
                             const EnforcerConfig& config)
    : executor_(executor),
      metrics_(std::move(metrics)),
      jwks_timeout_(config.jwks_timeout),
      max_token_bytes_(8 * 1024),
      keys_(config.jwks_policy),
      tokens_(config.token_cache_entries),
      client_(executor, [&] {
        http::ClientOptions o;
        o.request_timeout = config.jwks_timeout;
        o.connect_timeout = config.jwks_timeout;
        o.max_response_bytes = 1024 * 1024;  // a JWKS is a few KB
        o.max_retries = 1;
        o.ca_file = config.jwks_ca_file;  // https:// JWKS: a private CA besides the system's
        return o;
      }()) {}

Result<std::shared_ptr<Authenticator>> Authenticator::create(const EnforcerConfig& config,
                                                             asio::any_io_executor executor,
                                                             std::shared_ptr<PepMetrics> metrics) {
  std::shared_ptr<Authenticator> a(new Authenticator(executor, std::move(metrics), config));
  for (const auto& ic : config.issuers) {
    if (ic.issuer.empty() || ic.jwks_url.empty()) {
      return invalid_argument("issuer and JWKS URL must not be empty");
    }
    if (!ic.any_client && ic.client_ids.empty()) {
      return invalid_argument("issuer " + ic.issuer + " has no accepted client ids");
    }
    jwt::VerifierOptions o;
    o.algorithms = config.algorithms;
    o.issuers = {ic.issuer};
    o.audiences = ic.client_ids;
    o.allow_any_audience = ic.any_client;
    o.token_uses = {"access"};
    o.clock_skew = config.clock_skew;
    o.max_token_bytes = a->max_token_bytes_;
    auto verifier = jwt::Verifier::create(std::move(o));
    if (!verifier.ok()) {
      return verifier.error();
    }
    a->issuers_.emplace(ic.issuer, Issuer{ic, std::move(verifier).value()});
  }
  return a;
}

asio::awaitable<bool> Authenticator::fetch(const Issuer& issuer) {
  const std::string& iss = issuer.config.issuer;
  std::string url = issuer.config.jwks_url;
  auto response = co_await client_.get(url);
  auto now = SteadyClock::now();
  if (!response.ok() || response->status != 200) {
    keys_.refresh_failed(iss, now);
    metrics_->jwks_fetch(false);
    std::string why =
        response.ok() ? "status " + std::to_string(response->status) : response.error().to_string();
    log::warn("JWKS fetch failed; the previous keys stay in use",
              {{"issuer", iss}, {"url", url}, {"error", why}});
    co_return false;
  }
  auto parsed = jwt::parse_jwks_json(response->body);
  if (!parsed.ok()) {
    keys_.refresh_failed(iss, now);
    metrics_->jwks_fetch(false);
    log::warn("JWKS document rejected; the previous keys stay in use",
              {{"issuer", iss}, {"url", url}, {"error", parsed.error().message()}});
    co_return false;
  }
  for (const auto& s : parsed->skipped) {
    log::warn("JWKS key skipped", {{"issuer", iss}, {"kid", s.kid}, {"reason", s.reason}});
  }
  size_t count = parsed->keys.size();
  keys_.put(iss, std::move(parsed->keys), now);
  metrics_->jwks_fetch(true);
  log::info("JWKS installed", {{"issuer", iss}, {"keys", count}});
  co_return true;
}

asio::awaitable<bool> Authenticator::refresh_for_unknown_kid(const Issuer& issuer) {
  const std::string& iss = issuer.config.issuer;
  if (keys_.begin_refresh(iss, jwt::RefreshReason::kUnknownKid, SteadyClock::now())) {
    co_return co_await fetch(issuer);
  }
  if (!keys_.state(iss).in_flight) {
    co_return false;  // refetched recently: the kid is simply unknown
  }
  // Another request is fetching: wait for it (bounded) rather than refuse a valid token
  // that arrived during start-up or a key rotation.
  auto deadline = SteadyClock::now() + jwks_timeout_ + std::chrono::milliseconds(100);
  asio::steady_timer timer(executor_);
  while (keys_.state(iss).in_flight && SteadyClock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return true;
}

void Authenticator::maybe_refresh_in_background(const Issuer& issuer) {
  const std::string& iss = issuer.config.issuer;
  auto now = SteadyClock::now();
  if (!keys_.state(iss).has_keys || !keys_.begin_refresh(iss, jwt::RefreshReason::kPeriodic, now)) {
    return;
  }
  auto self = shared_from_this();
  const Issuer* target = &issuer;  // issuers_ is immutable: the pointer stays valid
  asio::co_spawn(
      executor_, [self, target]() -> asio::awaitable<void> { co_await self->fetch(*target); },
      asio::detached);
}

asio::awaitable<size_t> Authenticator::prefetch() {
  size_t ready = 0;
  for (const auto& [iss, issuer] : issuers_) {
    if (!keys_.state(iss).has_keys &&
        keys_.begin_refresh(iss, jwt::RefreshReason::kUnknownKid, SteadyClock::now())) {
      co_await fetch(issuer);
    }
    if (keys_.state(iss).has_keys) {
      ++ready;
    }
  }
  co_return ready;
}

std::shared_ptr<const Principal> Authenticator::make_principal(const jwt::VerifiedToken& token,
                                                               const Issuer& issuer) const {
  auto p = std::make_shared<Principal>();
  const json::object& c = token.claims;
  p->issuer = issuer.config.issuer;
  p->subject = string_claim(c, "sub");
  p->username = string_claim(c, "username");
  if (p->username.empty()) {
    p->username = string_claim(c, "cognito:username");
  }
  p->client_id = string_claim(c, "client_id");
  if (p->client_id.empty()) {
    p->client_id = string_claim(c, "aud");
  }
  p->token_use = string_claim(c, "token_use");
  std::string scope = string_claim(c, "scope");
  for (size_t start = 0; start < scope.size();) {
    size_t sp = scope.find(' ', start);
    if (sp == std::string::npos) sp = scope.size();
    if (sp > start) p->scopes.push_back(scope.substr(start, sp - start));
    start = sp + 1;
  }
  // Groups beyond the limits are dropped (fewer groups can only mean fewer permissions).
  if (const json::value* g = c.if_contains("cognito:groups"); g != nullptr && g->is_array()) {
    for (const json::value& item : g->get_array()) {
      if (p->groups.size() >= kMaxGroups) break;
      if (item.is_string() && !item.get_string().empty() &&
          item.get_string().size() <= kMaxGroupBytes) {
        p->groups.emplace_back(item.get_string());
      }
    }
  }
  p->alg = std::string(jwt::alg_name(token.alg));
  p->kid = token.kid;
  // The verifier proved exp is a number; the token stays cached only until then.
  double exp = c.at("exp").to_number<double>();
  p->expires = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(exp)));
  auto claims = rego::Value::from_json(json::serialize(c));
  p->claims = claims.ok() ? std::move(claims).value() : rego::Value::empty_object();
  return p;
}

asio::awaitable<AuthOutcome> Authenticator::authenticate(std::string token) {
  auto now = std::chrono::system_clock::now();
  if (auto cached = tokens_.get(token, now)) {
    metrics_->cache_lookup(true);
    AuthOutcome out;
    out.principal = std::move(cached);
    out.cache_hit = true;
    co_return out;
  }
  metrics_->cache_lookup(false);

  // Pre-checks that pick the issuer's verifier and enforce the gateway's own rules. The
  // Verifier repeats the generic ones; these only decide which Verifier to ask.
  if (token.size() > max_token_bytes_) {
    metrics_->verification("size");
    co_return refuse(jwt::Check::kSize, "jwt size: token too large");
  }
  auto decoded = jwt::decode_compact(token, max_token_bytes_);
  if (!decoded.ok()) {
    metrics_->verification("format");
    co_return refuse(jwt::Check::kFormat, "jwt format: " + decoded.error().message());
  }
  if (auto alg = jwt::header_alg(decoded->header); !alg.ok()) {
    metrics_->verification("algorithm");
    co_return refuse(jwt::Check::kAlgorithm, "jwt algorithm: " + alg.error().message());
  }
  std::string iss = decoded->claims ? string_claim(*decoded->claims, "iss") : std::string();
  auto it = issuers_.find(iss);
  if (it == issuers_.end()) {
    metrics_->verification("issuer");
    co_return refuse(jwt::Check::kIssuer, "jwt issuer: issuer is not trusted");
  }
  const json::value* kid = decoded->header.if_contains("kid");
  if (kid == nullptr || !kid->is_string() || kid->get_string().empty()) {
    metrics_->verification("key");
    co_return refuse(jwt::Check::kKey, "jwt key: token has no \"kid\"");
  }
  const Issuer& issuer = it->second;
  maybe_refresh_in_background(issuer);

  jwt::Check failed = jwt::Check::kNone;
  auto verified = issuer.verifier.verify(token, keys_, now, &failed);
  if (!verified.ok() && failed == jwt::Check::kKey) {
    bool retry = co_await refresh_for_unknown_kid(issuer);
    if (retry) {
      verified = issuer.verifier.verify(token, keys_, std::chrono::system_clock::now(), &failed);
    }
  }
  if (!verified.ok()) {
    metrics_->verification(jwt::check_name(failed));
    co_return refuse(failed, verified.error().message());
  }
  AuthOutcome out;
  out.principal = make_principal(*verified, issuer);
  if (!usable_subject(out.principal->subject)) {
    // "sub" travels upstream in X-Dts-Principal: it must be a sane header value.
    metrics_->verification("format");
    co_return refuse(jwt::Check::kFormat, "jwt format: \"sub\" is missing or unusable");
  }
  metrics_->verification("ok");
  tokens_.put(token, out.principal, now);
  co_return out;
}

}  // namespace dts::gateway::pep
