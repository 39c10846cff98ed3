#pragma once
// `Verifier`: bearer-token (JWT) verification for the gateway, following RFC 8725 (JWT Best
// Current Practices) and the Cognito token shapes.
//
// A token is accepted only if every check passes, in this order (cheap and key-free first,
// claims only after the signature):
//   size       <= max_token_bytes
//   format     three base64url parts, JSON object header and claims (strict UTF-8)
//   algorithm  header "alg" on the allow-list; "none" never
//   crit       every "crit" name understood (by default none is)
//   issuer     "iss" one of `issuers` (checked before key selection: the issuer picks the
//              key set in the KeyCache overload)
//   key        selected by "kid" as an opaque exact-match string (never a path or URL); only
//              a one-key set accepts a token without "kid" (and a one-key set whose key has
//              no kid accepts any kid: static configuration); the key must fit the alg (type,
//              curve, key "alg", "use", RSA >= 2048) — so an HS256 token "signed" with an RSA
//              public key finds no key
//   signature  verifies (HMAC compared in constant time)
//   expired / not_yet_valid / issued_in_future   "exp" (required by default), "nbf", "iat"
//              against `now` with `clock_skew` leeway; non-numeric values are rejected
//   audience   "aud" (string or array) intersects `audiences`; a token without "aud" may
//              carry "client_id" instead (Cognito access tokens)
//   token_use  "token_use" one of `token_uses` (Cognito "access"/"id"), if configured
// Header parameters that point at keys ("jku", "x5u", "jwk", "x5c") are ignored entirely:
// keys only ever come from the configured set.
//
// Each rejection is Code::kUnauthenticated with the message "jwt <check>: <detail>" (safe to
// log: it never contains the token or key material); the failing `Check` is also returned
// through the optional out-parameter so callers can count and react (refresh keys on
// Check::kKey).
//
// A Verifier is immutable after `create` and safe to share between threads.

#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "jwt/algorithm.hpp"
#include "jwt/key_cache.hpp"
#include "jwt/key_set.hpp"

namespace dts::jwt {

using SystemTime = std::chrono::system_clock::time_point;

enum class Check {
  kNone,  // nothing failed
  kSize,
  kFormat,
  kAlgorithm,
  kCrit,
  kKey,
  kSignature,
  kExpired,
  kNotYetValid,
  kIssuedInFuture,
  kIssuer,
  kAudience,
  kTokenUse,
};

// "size", "format", ..., "token_use" (the word used in messages and metrics labels).
std::string_view check_name(Check check);

struct VerifierOptions {
  std::vector<Alg> algorithms = {Alg::kRS256, Alg::kES256};
  // Accepted "iss" values; must be non-empty unless allow_any_issuer.
  std::vector<std::string> issuers;
  bool allow_any_issuer = false;
  // Accepted "aud" / "client_id" values; must be non-empty unless allow_any_audience.
  std::vector<std::string> audiences;
  bool allow_any_audience = false;
  // Accepted "token_use" values (Cognito: "access" or "id"); empty = not checked.
  std::vector<std::string> token_uses;
  std::chrono::seconds clock_skew{60};
  size_t max_token_bytes = 8 * 1024;
  bool require_exp = true;
  // Extension header names the caller handles itself; any other "crit" entry is rejected.
  std::vector<std::string> understood_crit;
};

struct VerifiedToken {
  Alg alg;
  std::string kid;
  boost::json::object header;
  boost::json::object claims;

  // The string claim `name`, or empty if absent or not a string.
  std::string_view claim_string(std::string_view name) const;
};

class Verifier {
 public:
  // InvalidArgument if the options are unsafe or empty (no algorithms, no issuers/audiences
  // without the explicit allow_any_* opt-out, negative skew).
  static Result<Verifier> create(VerifierOptions options);

  // Verifies against one key set (a single issuer, or a static configuration).
  Result<VerifiedToken> verify(std::string_view token, const KeySet& keys, SystemTime now,
                               Check* failed = nullptr) const;

  // Verifies against the key set of the token's issuer in `cache`. The (unverified) "iss" is
  // checked against `issuers` before it is used to pick keys, and the signature must then
  // verify under that issuer's keys, so a token cannot choose foreign keys. A missing or
  // unknown kid yields Check::kKey: the caller may `cache.begin_refresh(iss, kUnknownKid)`.
  Result<VerifiedToken> verify(std::string_view token, const KeyCache& cache, SystemTime now,
                               Check* failed = nullptr) const;

  const VerifierOptions& options() const { return options_; }

 private:
  explicit Verifier(VerifierOptions options) : options_(std::move(options)) {}

  VerifierOptions options_;
};

}  // namespace dts::jwt
