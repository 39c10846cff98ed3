#include "gateway/pep/config.hpp"

#include <algorithm>
#include <cctype>

#include "common/http/tls.hpp"
#include "common/log.hpp"

namespace dts::gateway::pep {
namespace {

// `dts identity`'s default pool, in Cognito's issuer shape (base + "/" + pool id).
constexpr const char* kLocalIssuer = "http://127.0.0.1:9001/us-east-1_DTSlocal";

bool is_loopback_url(std::string_view url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.substr(0, prefix.size()) == prefix &&
        (url.size() == prefix.size() || url[prefix.size()] == ':' || url[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

// Issuers and JWKS URLs: https://, or plain http:// on loopback only. A JWKS fetched in
// clear text over a network lets anyone on the path substitute the keys and mint tokens.
bool acceptable_key_url(std::string_view url) {
  return (url.substr(0, 8) == "https://" && url.size() > 8) || is_loopback_url(url);
}

std::string strip_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    if (comma > start) {
      out.emplace_back(text.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return out;
}

EnforcerConfig read_enforcer_config(config::Reader& r) {
  EnforcerConfig c;
  auto issuers = split_list(r.string("GATEWAY_JWT_ISSUERS", kLocalIssuer));
  auto jwks = split_list(r.string("GATEWAY_JWKS_URLS", ""));
  auto clients = split_list(r.string("GATEWAY_JWT_CLIENT_IDS", ""));
  if (!jwks.empty() && jwks.size() != issuers.size()) {
    r.add_error("GATEWAY_JWKS_URLS: needs one URL per issuer in GATEWAY_JWT_ISSUERS (" +
                std::to_string(issuers.size()) + "), got " + std::to_string(jwks.size()));
  }
  bool all_loopback = true;
  for (size_t i = 0; i < issuers.size(); ++i) {
    IssuerConfig ic;
    ic.issuer = issuers[i];
    ic.jwks_url =
        i < jwks.size() ? jwks[i] : strip_trailing_slash(issuers[i]) + "/.well-known/jwks.json";
    if (!acceptable_key_url(ic.issuer)) {
      r.add_error("GATEWAY_JWT_ISSUERS: " + ic.issuer +
                  " must be an https:// URL (plain http:// only on loopback)");
    }
    if (!acceptable_key_url(ic.jwks_url)) {
      r.add_error("GATEWAY_JWKS_URLS: " + ic.jwks_url +
                  " must be an https:// URL (plain http:// only on loopback)");
    }
    all_loopback = all_loopback && is_loopback_url(ic.jwks_url);
    c.issuers.push_back(std::move(ic));
  }
  bool any = std::find(clients.begin(), clients.end(), "*") != clients.end();
  if (clients.empty() && !all_loopback) {
    r.add_error(
        "GATEWAY_JWT_CLIENT_IDS is required (comma-separated app client ids, or * to accept "
        "any) when an issuer is not on loopback");
  }
  if (clients.empty()) {
    any = true;  // local development: the identity on loopback is the only issuer
  }
  for (auto& ic : c.issuers) {
    ic.any_client = any;
    if (!any) {
      ic.client_ids = clients;
    }
  }

  c.clock_skew = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("GATEWAY_JWT_CLOCK_SKEW", std::chrono::seconds(30)));
  if (c.clock_skew > std::chrono::minutes(5)) {
    r.add_error("GATEWAY_JWT_CLOCK_SKEW: at most 5m (RFC 8725 asks for a small leeway)");
  }
  c.token_cache_entries =
      static_cast<size_t>(r.integer("GATEWAY_JWT_CACHE_SIZE", 10'000, 0, 10'000'000));
  c.jwks_policy.min_refresh_interval = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("GATEWAY_JWKS_MIN_REFRESH", std::chrono::seconds(30)));
  c.jwks_policy.max_age = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("GATEWAY_JWKS_MAX_AGE", std::chrono::hours(1)));
  c.jwks_timeout = r.duration("GATEWAY_JWKS_TIMEOUT", std::chrono::seconds(2));
  c.jwks_ca_file = r.string("GATEWAY_JWKS_CA_FILE", "");
  if (!c.jwks_ca_file.empty()) {
    auto checked = http::check_ca_file(c.jwks_ca_file);
    if (!checked.ok()) r.add_error("GATEWAY_JWKS_CA_FILE: " + checked.error().message());
  }

  c.policy_url = r.string("POLICY_URL", "");
  if (!c.policy_url.empty()) {
    c.policy_url = strip_trailing_slash(r.url("POLICY_URL", ""));
  }
  c.policy_bundle = r.string("POLICY_BUNDLE", "policies");
  c.policy_poll = r.duration("POLICY_BUNDLE_POLL", std::chrono::milliseconds(500));
  c.decision_path = r.string("POLICY_DECISION_PATH", "dts/authz");
  c.policy_timeout = r.duration("POLICY_TIMEOUT", std::chrono::seconds(1));
  c.decision_cache_ttl = r.duration("GATEWAY_DECISION_CACHE_TTL", std::chrono::seconds(1));
  if (c.decision_cache_ttl > std::chrono::minutes(1)) {
    r.add_error("GATEWAY_DECISION_CACHE_TTL: at most 1m (decisions must follow policy and time)");
  }
  c.decision_cache_entries =
      static_cast<size_t>(r.integer("GATEWAY_DECISION_CACHE_SIZE", 10'000, 0, 10'000'000));
  auto headers = r.string("GATEWAY_POLICY_HEADERS", "");
  if (!headers.empty()) {
    c.input_headers.clear();
    for (auto& h : split_list(headers)) {
      std::transform(h.begin(), h.end(), h.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      c.input_headers.push_back(std::move(h));
    }
  }

  c.ip_limit.rate_per_s =
      static_cast<double>(r.integer("GATEWAY_RATE_LIMIT_IP_RPS", 200, 0, 1'000'000));
  c.ip_limit.burst =
      static_cast<double>(r.integer("GATEWAY_RATE_LIMIT_IP_BURST", 400, 1, 10'000'000));
  c.principal_limit.rate_per_s =
      static_cast<double>(r.integer("GATEWAY_RATE_LIMIT_PRINCIPAL_RPS", 100, 0, 1'000'000));
  c.principal_limit.burst =
      static_cast<double>(r.integer("GATEWAY_RATE_LIMIT_PRINCIPAL_BURST", 200, 1, 10'000'000));
  auto max_keys =
      static_cast<size_t>(r.integer("GATEWAY_RATE_LIMIT_MAX_KEYS", 100'000, 16, 100'000'000));
  c.ip_limit.max_keys = max_keys;
  c.principal_limit.max_keys = max_keys;

  auto signer = internal_auth::signer_from_env(r);
  if (signer.ok()) {
    c.signer = std::move(signer).value();
  }
  return c;
}

}  // namespace dts::gateway::pep
