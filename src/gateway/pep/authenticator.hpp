#pragma once
// `Authenticator`: bearer access token -> Principal, per RFC 8725, for the gateway.
//
// Verification is src/jwt's `Verifier` (one per trusted issuer, so each issuer's accepted
// client ids stay bound to it) over a `jwt::KeyCache` of each issuer's JWKS. This class adds
// what needs the network and the clock:
//   - JWKS fetching with the kit's HTTP client: at warm-up, when a token names an unknown
//     kid (at most once per GATEWAY_JWKS_MIN_REFRESH per issuer: KeyCache's policy, so a flood
//     of garbage kids cannot hammer the issuer), and periodically in the background once the
//     snapshot is older than GATEWAY_JWKS_MAX_AGE (requests keep using the old keys meanwhile);
//   - a verified-token cache (TokenCache) so repeated requests skip the signature check;
//   - the gateway's own rules on top of the Verifier: "kid" must be present (even when the
//     JWKS holds a single key), and token_use must be "access".
//
// Thread-safety: authenticate() may run concurrently on any thread of the executor's
// io_context. Instances are shared_ptr-owned because background refreshes keep them alive.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>

#include "common/http/client.hpp"
#include "common/result.hpp"
#include "gateway/pep/config.hpp"
#include "gateway/pep/pep_metrics.hpp"
#include "gateway/pep/principal.hpp"
#include "gateway/pep/token_cache.hpp"
#include "jwt/key_cache.hpp"
#include "jwt/verifier.hpp"

namespace dts::gateway::pep {

struct AuthOutcome {
  std::shared_ptr<const Principal> principal;  // null when refused
  jwt::Check failed = jwt::Check::kNone;
  std::string message;  // "jwt expired: token expired" (safe to log: no token material)
  bool cache_hit = false;
};

class Authenticator : public std::enable_shared_from_this<Authenticator> {
 public:
  static Result<std::shared_ptr<Authenticator>> create(const EnforcerConfig& config,
                                                       boost::asio::any_io_executor executor,
                                                       std::shared_ptr<PepMetrics> metrics);

  // `token` is the part after "Bearer ". Taken by value: it must outlive suspension points.
  boost::asio::awaitable<AuthOutcome> authenticate(std::string token);

  // Fetches every issuer's JWKS that has no keys yet (start-up warm-up; failures are logged
  // and retried on demand). Returns how many issuers have keys afterwards.
  boost::asio::awaitable<size_t> prefetch();

  const jwt::KeyCache& keys() const { return keys_; }
  const TokenCache& tokens() const { return tokens_; }

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  struct Issuer {
    IssuerConfig config;
    jwt::Verifier verifier;
  };

 private:
  Authenticator(boost::asio::any_io_executor executor, std::shared_ptr<PepMetrics> metrics,
                const EnforcerConfig& config);

  // GETs the issuer's JWKS and installs it (or records the failure). The caller must have
  // won KeyCache::begin_refresh. Returns true when new keys were installed.
  boost::asio::awaitable<bool> fetch(const Issuer& issuer);
  // After a kid miss: refetches if the refresh policy allows, or waits for a fetch already in
  // flight. True when keys may have changed (worth verifying again).
  boost::asio::awaitable<bool> refresh_for_unknown_kid(const Issuer& issuer);
  // Starts a background refresh when the issuer's snapshot is older than max_age.
  void maybe_refresh_in_background(const Issuer& issuer);
  std::shared_ptr<const Principal> make_principal(const jwt::VerifiedToken& token,
                                                  const Issuer& issuer) const;

  boost::asio::any_io_executor executor_;
  std::shared_ptr<PepMetrics> metrics_;
  std::chrono::milliseconds jwks_timeout_;
  size_t max_token_bytes_;
  std::map<std::string, Issuer, std::less<>> issuers_;  // immutable after create
  jwt::KeyCache keys_;
  TokenCache tokens_;
  http::Client client_;
};

}  // namespace dts::gateway::pep
