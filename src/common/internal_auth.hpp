#pragma once
// The gateway's signature over the identity it forwards to services (design.md §1: services
// trust the verified principal only because it comes from the gateway).
//
// The gateway authenticates the caller and then sends, on the upstream request,
//   X-Dts-Principal, X-Dts-Tenant, X-Dts-Groups, X-Request-Id  and
//   X-Dts-Signature: t=<unix seconds>,v1=<64 lowercase hex>
// where v1 = HMAC-SHA256(DTS_INTERNAL_KEY, canonical) and canonical is the newline-joined
//   "dts-internal-v1", method, path, principal, tenant, groups, request id, t
// (a newline inside any field makes signing fail, so fields cannot be shifted into each
// other). A service verifies with `verify`: the timestamp must be within `max_age` of its
// clock (both directions, so a skewed clock cannot mint far-future signatures), and the MAC
// is compared in constant time.
//
// Replay: within max_age the same request (same method, path, principal, request id) can be
// replayed by whoever captured it on the private network; it cannot be altered. Services that
// need exactly-once use Idempotency-Key or the request id. The key never leaves the process
// and is never logged (config::Reader hides *_KEY values).
//
// Thread-safety: an InternalSigner is immutable after create() and may be shared.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "common/digest.hpp"
#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::internal_auth {

inline constexpr std::string_view kSignatureHeader = "X-Dts-Signature";
inline constexpr std::string_view kPrincipalHeader = "X-Dts-Principal";
inline constexpr std::string_view kTenantHeader = "X-Dts-Tenant";
inline constexpr std::string_view kGroupsHeader = "X-Dts-Groups";
inline constexpr std::string_view kRequestIdHeader = "X-Request-Id";
// Shortest key accepted (bytes): the HMAC-SHA256 block security level.
inline constexpr size_t kMinKeyBytes = 32;

// What the signature covers.
struct SignedFields {
  std::string_view method;
  std::string_view path;  // as sent upstream (the query string is not covered)
  std::string_view principal;
  std::string_view tenant;
  std::string_view groups;  // the X-Dts-Groups header value as sent
  std::string_view request_id;
};

using SystemTime = std::chrono::system_clock::time_point;

// The X-Dts-Groups value: groups joined by ',', each with ',', '%', space, control and
// non-ASCII bytes percent-encoded (so any Cognito group name survives the round trip).
std::string encode_groups(const std::vector<std::string>& groups);
// The inverse; nullopt on a malformed escape. An empty header is no groups.
std::optional<std::vector<std::string>> decode_groups(std::string_view header);

// What a service knows about the caller once the gateway's signature checks out.
struct Caller {
  std::string principal;  // "sub"; empty for an anonymous request on a public route
  std::string tenant;     // the tenant the request acts for (the policy allowed it)
  std::vector<std::string> groups;
  std::string request_id;
  // The caller's roles in `tenant` by the platform's group convention "tenant:<id>:<role>"
  // (policies/README.md).
  std::vector<std::string> tenant_roles() const;
};

class InternalSigner {
 public:
  // InvalidArgument if the key is shorter than kMinKeyBytes.
  static Result<InternalSigner> create(std::string key);

  // The X-Dts-Signature value for `fields` at `now`. InvalidArgument if a field contains a
  // CR, LF or NUL (it could not travel in a header anyway).
  Result<std::string> sign(const SignedFields& fields, SystemTime now) const;

  // OK if `header` is a well-formed signature of `fields` made within `max_age` of `now`.
  // Unauthenticated otherwise, with a message naming the reason (safe to log).
  Status verify(const SignedFields& fields, std::string_view header, SystemTime now,
                std::chrono::seconds max_age = std::chrono::seconds(60)) const;

  // Verifies a request received by a service: reads the X-Dts-* headers, X-Request-Id,
  // method and path from `request`.
  Status verify_request(const http::Request& request, SystemTime now,
                        std::chrono::seconds max_age = std::chrono::seconds(60)) const;

  // verify_request, then the identity headers parsed. Unauthenticated on any failure.
  Result<Caller> authenticate(const http::Request& request, SystemTime now,
                              std::chrono::seconds max_age = std::chrono::seconds(60)) const;

 private:
  explicit InternalSigner(std::string_view key) : mac_(key) {}
  std::string mac_hex(const SignedFields& fields, int64_t unix_seconds) const;

  digest::HmacSha256 mac_;  // the key, expanded once (a MAC per proxied request)
};

// The signer configured by DTS_INTERNAL_KEY (recorded as a config error when set but too
// short); nullopt-like empty Result when unset is reported as kNotFound so callers can decide
// whether the key is mandatory for them.
Result<InternalSigner> signer_from_env(config::Reader& reader);

}  // namespace dts::internal_auth
