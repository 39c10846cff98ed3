#pragma once
// Identifiers that travel with requests: request ids, W3C Trace Context (traceparent),
// UUIDs for resources, and a constant-time comparison for secrets.
//
// Every function here is thread-safe: randomness comes from OpenSSL's RAND_bytes (a CSPRNG
// that is safe to call from many threads). Request, trace and span ids draw from a
// per-thread pool filled by RAND_bytes (ids are per request; see ids.cpp); random_hex and
// UUIDs call RAND_bytes directly.
// If the CSPRNG fails the process aborts: handing out predictable ids silently is worse.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dts::ids {

// `bytes` random bytes as 2*bytes lowercase hex characters.
std::string random_hex(size_t bytes);

// A fresh request id: 32 lowercase hex characters (128 random bits). Chosen over ULIDs
// because it matches a trace id's shape and needs no clock.
std::string new_request_id();

// Whether a client-supplied X-Request-Id may be echoed and logged: 8..128 characters of
// [A-Za-z0-9._:-]. Rejects anything that could inject headers or log fields (CR, LF,
// spaces, quotes, non-ASCII). Callers replace a rejected id with new_request_id().
bool is_valid_request_id(std::string_view s);

// W3C Trace Context (https://www.w3.org/TR/trace-context/), version 00.
struct TraceContext {
  std::string trace_id;   // 32 lowercase hex, not all zero
  std::string parent_id;  // 16 lowercase hex, not all zero (the current span id)
  uint8_t flags = 0;      // bit 0 = sampled
  bool sampled() const { return (flags & 0x01) != 0; }
};

// Parses a `traceparent` header value. Rules: lowercase hex only; version 00 has exactly
// 55 characters "vv-<32>-<16>-ff"; all-zero trace or parent id is invalid; version ff is
// invalid; a higher version is accepted when its first 55 characters parse as version 00
// and any extra data starts with '-'. Optional surrounding spaces/tabs (HTTP OWS) are
// ignored. Returns nullopt when the header must be ignored (start a new trace instead).
std::optional<TraceContext> parse_traceparent(std::string_view header);

// A new root trace: random trace id and span id, sampled flag set.
TraceContext new_trace();

// A new span in the same trace: same trace id and flags, fresh span id.
TraceContext child_of(const TraceContext& parent);

// "00-<trace_id>-<parent_id>-<flags as 2 hex>". Always emits version 00.
std::string format_traceparent(const TraceContext& context);

// A random (version 4, RFC 9562) UUID in canonical lowercase 8-4-4-4-12 form.
std::string new_uuid_v4();

// Whether `s` is a UUID in canonical form (any version, either hex case).
bool is_valid_uuid(std::string_view s);

// Compares in time that depends only on the lengths (for tokens, API keys, HMACs):
// different lengths return false at once, equal lengths use CRYPTO_memcmp.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace dts::ids
