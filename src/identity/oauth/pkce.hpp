#pragma once
// PKCE (RFC 7636) with S256 only: "plain" gives no protection against a stolen code and
// Cognito's hosted UI also only accepts S256.
//
// Pure and thread-safe.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity::oauth {

// RFC 7636 §4.1: 43..128 characters of [A-Za-z0-9-._~].
bool valid_code_verifier(std::string_view verifier);
// An S256 challenge: exactly 43 base64url characters (32 bytes, no padding).
bool valid_s256_challenge(std::string_view challenge);
// base64url(SHA-256(ASCII(verifier))).
std::string s256_challenge(std::string_view verifier);

// OK when `verifier` is well-formed and its S256 challenge equals `challenge` (constant time).
// InvalidArgument otherwise (the token endpoint answers invalid_grant).
Status verify_pkce(std::string_view challenge, std::string_view verifier);

}  // namespace dts::identity::oauth
