#pragma once
// What the Rego `io.jwt.*` builtins need, with OPA's semantics, so src/rego only converts
// between Rego values and these calls:
//   io.jwt.decode(jwt)                    -> rego_decode
//   io.jwt.verify_<alg>(jwt, cert|secret) -> rego_verify
//   io.jwt.decode_verify(jwt, constraints)-> rego_decode_verify
//   io.jwt.encode_sign(h, p, jwk)         -> rego_encode_sign
//   io.jwt.encode_sign_raw(h, p, jwk)     -> rego_encode_sign_raw
// "cert" key material may be a PEM certificate, a PEM public key, a JWK or a JWKS (OPA
// accepts all four). These are policy-evaluation helpers, not the gateway's verifier: they
// apply no allow-list beyond what the policy author asked for.
//
// All functions are pure and thread-safe.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "jwt/algorithm.hpp"
#include "jwt/key_set.hpp"

namespace dts::jwt {

struct RegoDecoded {
  boost::json::object header;
  boost::json::object payload;
  std::string signature_hex;  // io.jwt.decode returns the signature as lower-case hex
};

// InvalidArgument if the token is not a compact JWS with a JSON object payload.
Result<RegoDecoded> rego_decode(std::string_view token);

// Keys from "cert" material: PEM (certificate or public key), a JWK object or a JWKS.
Result<KeySet> rego_keys_from_material(std::string_view material);

// io.jwt.verify_<alg>: true iff the token's header alg is `alg` and the signature verifies
// under the secret (HS*) or any fitting key of the material (a key with the token's kid is
// preferred when the material is a JWKS). A malformed token is simply false;
// InvalidArgument only for unusable key material.
Result<bool> rego_verify(Alg alg, std::string_view token, std::string_view cert_or_secret);

struct RegoDecodeVerify {
  bool valid = false;
  boost::json::object header;   // {} unless valid
  boost::json::object payload;  // {} unless valid
};

// io.jwt.decode_verify. `constraints` may hold "cert" or "secret" (exactly one), "alg",
// "iss", "aud" and "time" (nanoseconds since the epoch; default `now_ns`). OPA's rules:
// header alg must equal "alg" if given; the signature must verify; time < exp and
// time >= nbf when present; "iss" must equal if given; if the token has "aud" the
// constraint "aud" must be one of its values, and if it has none the constraint must be
// absent. InvalidArgument for bad constraints (unknown names, both/neither key inputs).
Result<RegoDecodeVerify> rego_decode_verify(std::string_view token,
                                            const boost::json::object& constraints, int64_t now_ns);

// io.jwt.encode_sign: signs JSON `payload` with `header` (which names the alg) and a
// private JWK (or an "oct" JWK for HS*).
Result<std::string> rego_encode_sign(const boost::json::object& header,
                                     const boost::json::object& payload,
                                     const boost::json::object& jwk);

// io.jwt.encode_sign_raw: the header and payload strings are signed byte for byte.
Result<std::string> rego_encode_sign_raw(std::string_view header, std::string_view payload,
                                         std::string_view jwk_json);

}  // namespace dts::jwt
