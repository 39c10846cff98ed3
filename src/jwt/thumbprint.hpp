#pragma once
// JWK thumbprints (RFC 7638): the SHA-256 of a key's required JWK members in canonical form.
//
// The identity service uses the thumbprint as the "kid" of the keys it generates, so a kid
// is stable across restarts and derived from nothing but the public key.
//
// Pure and thread-safe.

#include <string>

#include "common/result.hpp"
#include "jwt/key.hpp"

namespace dts::jwt {

// base64url(SHA-256(canonical JWK)). For oct keys the thumbprint covers the secret ("k"),
// as the RFC defines; do not publish those.
Result<std::string> jwk_thumbprint(const Key& key);

}  // namespace dts::jwt
