#pragma once
// JWS Compact Serialization (RFC 7515 §7.1): split/decode, sign, verify one signature.
//
// `decode_compact` only parses: it proves nothing about who made the token. Use
// `verify_signature` (one given key) or `Verifier` (verifier.hpp: the full RFC 8725 policy
// for bearer tokens) before trusting any of it.
//
// JSON is parsed strictly by Boost.JSON: invalid UTF-8 is an error, nesting is bounded
// (depth 32); a duplicated member keeps the last value (the RFC 7515 §5.2 option).
//
// All functions are pure and thread-safe.

#include <boost/json/object.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "jwt/algorithm.hpp"
#include "jwt/key.hpp"

namespace dts::jwt {

// Tokens longer than this are refused before any decoding (a bearer token is a few KB).
inline constexpr size_t kDefaultMaxTokenBytes = 16 * 1024;

struct DecodedJws {
  boost::json::object header;
  std::string payload;                        // the decoded payload bytes
  std::optional<boost::json::object> claims;  // the payload, if it is a JSON object
  std::string signing_input;                  // "BASE64URL(header).BASE64URL(payload)"
  std::string signature;                      // decoded signature bytes
};

// Splits and decodes a compact JWS. InvalidArgument with a message naming the part on: more
// than `max_bytes`, not exactly three '.'-separated parts (a five-part JWE is named as such),
// bad base64url in any part, a header that is not a JSON object with a string "alg", a
// payload that is JSON but malformed (non-JSON payloads are allowed: `claims` stays empty).
Result<DecodedJws> decode_compact(std::string_view token, size_t max_bytes = kDefaultMaxTokenBytes);

// The header's "alg" as a supported algorithm. InvalidArgument for "none" (named as such)
// and for any unknown value.
Result<Alg> header_alg(const boost::json::object& header);

// RFC 7515 §4.1.11: OK if the header has no "crit", or "crit" is a non-empty array of
// distinct strings, each one present in the header, none a name RFC 7515/7518 define, and
// all of them in `understood`. InvalidArgument otherwise.
Status check_crit(const boost::json::object& header, std::span<const std::string> understood);

// Verifies the signature of `jws` with `key`, requiring the header "alg" to equal `alg`
// (the caller decides the algorithm; the token never does). Unauthenticated on a bad
// signature, InvalidArgument on an alg or key mismatch.
Status verify_signature(const DecodedJws& jws, Alg alg, const Key& key);

// Signs `payload` with `header` serialised as given. The algorithm is header "alg" if
// present, else the key's "alg"; it is written into the header. If the key has a kid and
// the header none, "kid" is added.
Result<std::string> sign_compact(boost::json::object header, std::string_view payload,
                                 const Key& key);

// Signs with `header_json` used byte for byte (Rego's io.jwt.encode_sign_raw). The header
// must be a JSON object whose "alg" is supported.
Result<std::string> sign_compact_raw(std::string_view header_json, std::string_view payload,
                                     const Key& key);

// Convenience for token issuers: {"alg":alg,"typ":"JWT","kid":key.kid()} + `extra_header`,
// claims serialised as the payload.
Result<std::string> sign_jwt(Alg alg, const Key& key, const boost::json::object& claims,
                             const boost::json::object& extra_header = {});

}  // namespace dts::jwt
