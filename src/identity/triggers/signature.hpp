#pragma once
// The signature on every trigger (hook) request, so a receiver can tell that a call came
// from this identity service and was not altered or replayed later.
//
//   X-Dts-Trigger-Signature: t=<unix seconds>,v1=<64 lowercase hex>
//   v1 = HMAC-SHA256(key, "<t>" + "." + <the exact request body bytes>)
//
// The key is IDENTITY_TRIGGER_SIGNING_KEY (or DTS_INTERNAL_KEY), at least 32 bytes, shared
// with the receiver. A receiver checks, in this order: the header parses; |now - t| <=
// max_age (both directions); the MAC recomputed over the raw body it received equals v1,
// compared in constant time. Only then does it parse the body. Covering the timestamp
// bounds replay to max_age; the receiver should also be idempotent per (userPoolId,
// userName, triggerSource), since the service may call again after a failure (README).
//
// Thread-safety: pure functions.

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity::triggers {

inline constexpr std::string_view kSignatureHeader = "X-Dts-Trigger-Signature";
inline constexpr std::string_view kSourceHeader = "X-Dts-Trigger-Source";
inline constexpr size_t kMinKeyBytes = 32;

// The header value for `body` at `unix_seconds`.
std::string sign(std::string_view key, int64_t unix_seconds, std::string_view body);

// OK if `header` is a signature of `body` by `key` made within `max_age` of `now`;
// kUnauthenticated with the reason otherwise (safe to log: no secret in it).
Status verify(std::string_view key, std::string_view header, std::string_view body,
              std::chrono::system_clock::time_point now,
              std::chrono::seconds max_age = std::chrono::seconds(300));

}  // namespace dts::identity::triggers
