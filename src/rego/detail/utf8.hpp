#pragma once
// UTF-8 validation shared by the JSON reader and writer (json_parser.cpp, value_json.cpp).

#include <cstddef>
#include <string_view>

namespace dts::rego::detail {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
inline size_t utf8_len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
      return 0;
    }
  }
  return n;
}

}  // namespace dts::rego::detail
