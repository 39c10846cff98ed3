#include "rego/builtins/strings_util.hpp"

#include <locale.h>
#include <wctype.h>

#include "rego/builtins/helpers.hpp"

namespace dts::rego::builtins {
namespace {

// glibc's C.UTF-8 locale carries Unicode's simple case mappings. Using a locale object with
// towlower_l avoids touching the process-global locale (no races with other threads).
locale_t utf8_locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

// Fallback when no UTF-8 locale exists: ASCII, Latin-1, Greek and Cyrillic basics.
char32_t fallback_case(char32_t c, bool upper) {
  if (upper) {
    if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7) ||
        (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) || (c >= 0x430 && c <= 0x44f)) {
      return c - 0x20;
    }
    if (c >= 0x450 && c <= 0x45f) {
      return c - 0x50;
    }
    return c;
  }
  if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
      (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f)) {
    return c + 0x20;
  }
  if (c >= 0x400 && c <= 0x40f) {
    return c + 0x50;
  }
  return c;
}

std::string map_case(std::string_view s, bool upper) {
  std::u32string cps = utf8_decode(s);
  locale_t loc = utf8_locale();
  for (char32_t& c : cps) {
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') {
        c -= 0x20;
      } else if (!upper && c >= 'A' && c <= 'Z') {
        c += 0x20;
      }
    } else if (loc != static_cast<locale_t>(nullptr)) {
      auto w = static_cast<wint_t>(c);
      c = static_cast<char32_t>(upper ? towupper_l(w, loc) : towlower_l(w, loc));
    } else {
      c = fallback_case(c, upper);
    }
  }
  return utf8_encode(cps);
}

}  // namespace

std::string to_lower(std::string_view s) { return map_case(s, false); }
std::string to_upper(std::string_view s) { return map_case(s, true); }

bool is_unicode_space(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

std::string trim_space(std::string_view s) {
  std::u32string cps = utf8_decode(s);
  size_t b = 0;
  size_t e = cps.size();
  while (b < e && is_unicode_space(cps[b])) {
    ++b;
  }
  while (e > b && is_unicode_space(cps[e - 1])) {
    --e;
  }
  return utf8_encode(std::u32string_view(cps).substr(b, e - b));
}

}  // namespace dts::rego::builtins
