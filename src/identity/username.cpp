#include "identity/username.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <memory>

#include "identity/faults.hpp"

namespace dts::identity {
namespace {

Error bad_username(std::string_view why) {
  return fault(kInvalidParameter, std::string("1 validation error detected: Value at 'username' ") +
                                      std::string(why));
}

// Decodes strictly; false on invalid UTF-8 (overlong, surrogates, > U+10FFFF).
bool decode_utf8(std::string_view s, std::u32string& out) {
  int32_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
    out.push_back(static_cast<char32_t>(c));
  }
  return true;
}

const icu::Normalizer2* nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* r = icu::Normalizer2::getNFKCInstance(ec);
    return U_SUCCESS(ec) ? r : nullptr;
  }();
  return n;
}

const icu::Normalizer2* nfkc_casefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* r = icu::Normalizer2::getNFKCCasefoldInstance(ec);
    return U_SUCCESS(ec) ? r : nullptr;
  }();
  return n;
}

struct SpoofCloser {
  void operator()(USpoofChecker* s) const { uspoof_close(s); }
};

// One checker shared by all threads: uspoof_getSkeleton is const on a configured checker.
const USpoofChecker* spoof_checker() {
  static std::unique_ptr<USpoofChecker, SpoofCloser> checker = [] {
    UErrorCode ec = U_ZERO_ERROR;
    USpoofChecker* s = uspoof_open(&ec);
    if (U_FAILURE(ec)) s = nullptr;
    return std::unique_ptr<USpoofChecker, SpoofCloser>(s);
  }();
  return checker.get();
}

bool allowed_username_char(char32_t c) {
  int8_t type = u_charType(static_cast<UChar32>(c));
  switch (type) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
      return true;
    default:  // controls, format (zero-width), separators, private use, unassigned
      return false;
  }
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

Result<NormalizedUsername> normalize_username(std::string_view input) {
  if (input.empty()) return bad_username("failed to satisfy constraint: Member must have length greater than or equal to 1");
  // Bytes bound first, so hostile input never reaches ICU in bulk.
  if (input.size() > kMaxUsernameChars * 4) {
    return bad_username("failed to satisfy constraint: Member must have length less than or equal to 128");
  }
  std::u32string chars;
  if (!decode_utf8(input, chars)) return bad_username("is not valid UTF-8");
  if (chars.size() > kMaxUsernameChars) {
    return bad_username("failed to satisfy constraint: Member must have length less than or equal to 128");
  }
  for (char32_t c : chars) {
    if (!allowed_username_char(c)) {
      return bad_username("failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
    }
  }
  const icu::Normalizer2* display_norm = nfkc();
  const icu::Normalizer2* key_norm = nfkc_casefold();
  const USpoofChecker* spoof = spoof_checker();
  if (display_norm == nullptr || key_norm == nullptr || spoof == nullptr) {
    return internal_error("ICU normalizer unavailable");
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(input.data(), static_cast<int32_t>(input.size())));
  UErrorCode ec = U_ZERO_ERROR;
  icu::UnicodeString display = display_norm->normalize(text, ec);
  icu::UnicodeString key = key_norm->normalize(text, ec);
  if (U_FAILURE(ec)) return bad_username("could not be normalized");
  // Normalization can remove characters (default ignorables) or expand them; re-check.
  if (key.isEmpty() || display.countChar32() > static_cast<int32_t>(kMaxUsernameChars) ||
      key.countChar32() > static_cast<int32_t>(kMaxUsernameChars) * 3) {
    return bad_username("failed to satisfy constraint: Member must have length less than or equal to 128");
  }
  NormalizedUsername out;
  out.display = to_utf8(display);
  out.key = to_utf8(key);
  std::u32string check;
  (void)decode_utf8(out.key, check);
  for (char32_t c : check) {
    if (!allowed_username_char(c)) {
      return bad_username("failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
    }
  }
  UChar buffer[1024];
  int32_t len = uspoof_getSkeleton(spoof, 0, key.getBuffer(), key.length(), buffer,
                                   static_cast<int32_t>(std::size(buffer)), &ec);
  if (U_FAILURE(ec)) return bad_username("could not be normalized");
  // The skeleton is only compared for equality; fold it again so case variants that the
  // skeleton mapping reintroduces (rare) still collide.
  icu::UnicodeString skeleton(buffer, len);
  icu::UnicodeString folded = key_norm->normalize(skeleton, ec);
  if (U_FAILURE(ec)) return bad_username("could not be normalized");
  out.skeleton = to_utf8(folded);
  return out;
}

Status check_text(std::string_view field, std::string_view value, size_t max_chars,
                  bool allow_empty) {
  auto bad = [&](std::string_view why) {
    return fault(kInvalidParameter, "1 validation error detected: Value at '" + std::string(field) +
                                        "' " + std::string(why));
  };
  if (value.empty() && !allow_empty) return bad("must not be empty");
  if (value.size() > max_chars * 4) return bad("is too long");
  std::u32string chars;
  if (!decode_utf8(value, chars)) return bad("is not valid UTF-8");
  if (chars.size() > max_chars) {
    return bad("failed to satisfy constraint: Member must have length less than or equal to " +
               std::to_string(max_chars));
  }
  for (char32_t c : chars) {
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) return bad("contains control characters");
  }
  return ok_status();
}

}  // namespace dts::identity
