#pragma once
// One-time codes (sign-up confirmation, forgot password): 6 random digits, stored only as
// an HMAC-SHA256 keyed with the service's code key and bound to the user and purpose, so a
// database reader cannot lift a code for another user or purpose, and without the key
// cannot brute-force the 10^6 space offline. Single use, expiry and the attempt limit are
// enforced by the store (DELETE ... RETURNING) and accounts.cpp.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace dts::identity {

inline constexpr size_t kCodeDigits = 6;

// Uniformly random, leading zeros kept ("004211").
std::string generate_code();

// Lowercase hex HMAC-SHA256(key, user_id || 0 || purpose || 0 || code).
std::string hash_code(std::string_view key, std::string_view user_id, std::string_view purpose,
                      std::string_view code);

// True if `code` has the shape of a code (exactly kCodeDigits ASCII digits).
bool well_formed_code(std::string_view code);

// SHA-256 as lowercase hex (refresh tokens and challenge sessions: high-entropy secrets
// need no slow hash).
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// `bytes` random bytes, base64url without padding.
std::string random_token(size_t bytes);

}  // namespace dts::identity
