#pragma once
// Username rules (Cognito: case-insensitive user pools, the default since 2020).
//
//   auto name = normalize_username("  Ａlice") -> error (whitespace)
//   auto name = normalize_username("Ａlice")   -> {display "Alice", key "alice", skeleton ...}
//
// * `display` is the NFKC form of the input: what the API returns as Username.
// * `key` is NFKC_Casefold: the lookup key, so "ALICE", "alice" and "ａｌｉｃｅ" (full-width)
//   are one user. Unique per pool.
// * `skeleton` is the Unicode TR39 confusable skeleton of the key, also unique per pool,
//   so "аlice" with a Cyrillic "а" cannot be registered next to "alice".
// Rejected: empty, more than 128 characters, invalid UTF-8, control/format characters,
// whitespace and separators anywhere (Cognito's pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+),
// private-use and unassigned code points.
//
// Thread-safety: pure functions; ICU's normalizer/spoof instances are created once.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity {

inline constexpr size_t kMaxUsernameChars = 128;

struct NormalizedUsername {
  std::string display;
  std::string key;
  std::string skeleton;
};

// kInvalidArgument (InvalidParameterException) naming the rule that failed.
Result<NormalizedUsername> normalize_username(std::string_view input);

// Valid UTF-8 without control characters and at most `max_chars` code points; used for
// attribute values, group names and other free text fields.
Status check_text(std::string_view field, std::string_view value, size_t max_chars,
                  bool allow_empty = true);

}  // namespace dts::identity
