#pragma once
// Configuration of the policy enforcement point, read once at start-up (design.md §4.5).
//
// Environment (all optional; see README.md in this folder for the full table):
//   GATEWAY_JWT_ISSUERS      comma-separated trusted "iss" values (default: the local
//                            identity's default pool, http://127.0.0.1:9001/us-east-1_DTSlocal)
//   GATEWAY_JWKS_URLS        comma-separated JWKS URLs, one per issuer in the same order
//                            (default: <issuer>/.well-known/jwks.json for each). Issuers and
//                            JWKS URLs must be https:// (fetched with certificate and host
//                            name verification, common/http/tls.hpp); plain http:// only on
//                            loopback (the local identity), since a JWKS fetched in clear
//                            text lets anyone on the path substitute the signing keys
//   GATEWAY_JWKS_CA_FILE     PEM file of extra trusted CAs for https JWKS URLs (a private CA);
//                            the system trust store is always used
//   GATEWAY_JWT_CLIENT_IDS   comma-separated accepted app client ids ("client_id" of access
//                            tokens), or "*"; required unless every issuer is on loopback
//   GATEWAY_JWT_CLOCK_SKEW, GATEWAY_JWT_CACHE_SIZE, GATEWAY_JWKS_MIN_REFRESH,
//   GATEWAY_JWKS_MAX_AGE, GATEWAY_JWKS_TIMEOUT
//   POLICY_BUNDLE, POLICY_BUNDLE_POLL, POLICY_URL, POLICY_DECISION_PATH, POLICY_TIMEOUT,
//   GATEWAY_POLICY_HEADERS, GATEWAY_DECISION_CACHE_TTL, GATEWAY_DECISION_CACHE_SIZE
//   GATEWAY_RATE_LIMIT_IP_RPS / _BURST, GATEWAY_RATE_LIMIT_PRINCIPAL_RPS / _BURST,
//   GATEWAY_RATE_LIMIT_MAX_KEYS
//   DTS_INTERNAL_KEY         HMAC key for X-Dts-Signature (common/internal_auth.hpp)

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/internal_auth.hpp"
#include "gateway/pep/rate_limiter.hpp"
#include "jwt/algorithm.hpp"
#include "jwt/key_cache.hpp"

namespace dts::gateway::pep {

struct IssuerConfig {
  std::string issuer;                   // exact "iss"
  std::string jwks_url;                 // fetched with GET
  std::vector<std::string> client_ids;  // accepted "client_id"/"aud"
  bool any_client = false;              // explicit opt-out of the client check ("*")
};

struct EnforcerConfig {
  // Authentication.
  std::vector<IssuerConfig> issuers;
  std::vector<jwt::Alg> algorithms = {jwt::Alg::kRS256, jwt::Alg::kES256};
  std::chrono::seconds clock_skew{30};
  size_t token_cache_entries = 10'000;
  jwt::KeyCachePolicy jwks_policy{std::chrono::seconds(30), std::chrono::seconds(3600)};
  std::chrono::milliseconds jwks_timeout{2'000};
  std::string jwks_ca_file;  // extra trusted CAs for https:// JWKS URLs (empty = system only)
  std::string realm = "dts";

  // Authorization: a local bundle directory (hot-reloaded) or a remote PDP.
  std::string policy_bundle = "policies";  // used when policy_url is empty
  std::chrono::milliseconds policy_poll{500};
  std::string policy_url;                   // e.g. http://127.0.0.1:8181 (OPA REST API)
  std::string decision_path = "dts/authz";  // data path of the decision document
  std::chrono::milliseconds policy_timeout{1'000};
  // Decision cache (decision_cache.hpp); ttl 0 = every request is evaluated.
  size_t decision_cache_entries = 10'000;
  std::chrono::milliseconds decision_cache_ttl{1'000};
  // Request headers copied into input.headers (lower-cased names).
  std::vector<std::string> input_headers = {"x-tenant-id", "content-type", "accept", "origin",
                                            "user-agent"};

  // Rate limits (0 rps = off).
  RateLimit ip_limit{200, 400, 100'000};
  RateLimit principal_limit{100, 200, 100'000};

  // Signs the identity forwarded upstream; unset = no X-Dts-Signature (services that
  // require it will refuse the requests).
  std::optional<internal_auth::InternalSigner> signer;
};

// Reads the variables above. Problems are recorded in `reader` (call reader.finish()).
EnforcerConfig read_enforcer_config(config::Reader& reader);

// Splits a comma-separated list, dropping empty items; items are not trimmed.
std::vector<std::string> split_list(std::string_view text);

}  // namespace dts::gateway::pep
