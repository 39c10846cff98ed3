#pragma once
// Base64 (RFC 4648 §4) and base64url (RFC 4648 §5) codecs, strict on decode.
//
// JOSE uses base64url *without* padding (RFC 7515 §2); anything else in a token is an
// attack or a bug, so `base64url_decode` rejects '=' padding, '+' and '/', whitespace and
// non-canonical encodings (unused trailing bits that are not zero), which would otherwise
// let two different strings decode to the same bytes and defeat signature-bytes equality.
// `base64_decode` accepts only the standard alphabet with correct '=' padding.
//
// All functions are pure and thread-safe.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::jwt {

// Encodes without padding, alphabet A-Z a-z 0-9 '-' '_'.
std::string base64url_encode(std::string_view bytes);

// Decodes unpadded base64url; InvalidArgument on any invalid character, padding, a length
// of 1 mod 4, or non-zero unused bits.
Result<std::string> base64url_decode(std::string_view text);

// Encodes with '=' padding, alphabet A-Z a-z 0-9 '+' '/'.
std::string base64_encode(std::string_view bytes);

// Decodes padded standard base64 (length a multiple of 4, '=' only at the end);
// InvalidArgument otherwise. No whitespace is accepted: callers that read PEM-like text
// strip line breaks first.
Result<std::string> base64_decode(std::string_view text);

// Lower-case hex of `bytes` (io.jwt.decode returns the signature this way).
std::string hex_encode(std::string_view bytes);

}  // namespace dts::jwt
