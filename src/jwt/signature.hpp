#pragma once
// The JWS signature primitives (RFC 7518 §3, RFC 8037 §3.1) over raw bytes: what gets
// signed is the JWS signing input "BASE64URL(header).BASE64URL(payload)".
//
// ECDSA signatures are the fixed-width big-endian R || S concatenation that JWS requires
// (RFC 7518 §3.4), not OpenSSL's DER; the conversion happens here in both directions.
// RSASSA-PSS uses MGF1 with the same hash and a salt as long as the hash (RFC 7518 §3.5).
// HMAC comparison is constant time (CRYPTO_memcmp).
//
// Every call first checks that the key fits the algorithm (see check_key_for_alg), which
// is what defeats algorithm-confusion attacks such as "HS256 keyed with the RSA public key".
//
// All functions are thread-safe (keys are only read).

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "jwt/algorithm.hpp"
#include "jwt/key.hpp"

namespace dts::jwt {

// RSA keys shorter than this are refused for RS*/PS* (RFC 7518 §3.3: 2048 or larger MUST).
inline constexpr int kMinRsaBits = 2048;

// OK if `key` can be used with `alg`: same key type, the curve the algorithm names
// (ES256 needs P-256, ...), the key's own "alg" (if any) equal to `alg`, "use" empty or
// "sig", RSA of at least kMinRsaBits, a non-empty HMAC secret. InvalidArgument otherwise.
Status check_key_for_alg(Alg alg, const Key& key);

// Signs `input`. FailedPrecondition if `key` has no private part.
Result<std::string> sign_bytes(Alg alg, const Key& key, std::string_view input);

// Verifies `signature` over `input`. Unauthenticated if the signature does not match
// (including a wrong length, e.g. a truncated signature); InvalidArgument if the key does
// not fit the algorithm.
Status verify_bytes(Alg alg, const Key& key, std::string_view input, std::string_view signature);

}  // namespace dts::jwt
