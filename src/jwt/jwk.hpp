#pragma once
// JSON Web Key (RFC 7517, RFC 7518 §6, RFC 8037 §2) <-> Key. Thumbprints: thumbprint.hpp.
//
// Supported: kty "RSA" (n, e; private d with optional p, q, dp, dq, qi), "EC" (crv P-256,
// P-384, P-521; x, y; private d), "OKP" (crv Ed25519; x; private d) and "oct" (k).
// Every member is checked: exact coordinate lengths, points on the curve (an off-curve
// point is the classic invalid-curve attack), a private Ed25519 "d" that matches "x".
// "kid", "alg" and "use" are carried into the Key; "x5c", "key_ops" and unknown members
// are ignored (RFC 7517 §4: unknown members MUST be ignored).
//
// All functions are pure and thread-safe.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "jwt/key.hpp"

namespace dts::jwt {

// InvalidArgument for malformed members, Unimplemented for well-formed keys of a type or
// curve this module does not support (JWKS parsing skips those instead of failing).
Result<Key> key_from_jwk(const boost::json::object& jwk);
Result<Key> key_from_jwk_json(std::string_view json);

// The public JWK of `key` with kid/alg/use if set ("use" defaults to nothing). An oct key
// has no public form: FailedPrecondition, so a secret is never published by mistake.
Result<boost::json::object> key_to_public_jwk(const Key& key);

// The full JWK including private members (oct: "k"). For storage and for Rego's
// io.jwt.encode_sign inputs; never publish it.
Result<boost::json::object> key_to_private_jwk(const Key& key);

}  // namespace dts::jwt
