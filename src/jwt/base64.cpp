#include "jwt/base64.hpp"

#include <array>
#include <cstdint>

namespace dts::jwt {
namespace {

constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using DecodeTable = std::array<int8_t, 256>;

constexpr DecodeTable make_table(std::string_view alphabet) {
  DecodeTable table{};
  for (auto& v : table) {
    v = -1;
  }
  for (size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr DecodeTable kStdTable = make_table(kStdAlphabet);
constexpr DecodeTable kUrlTable = make_table(kUrlAlphabet);

std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) {
      out += "==";
    }
  } else if (rest == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) {
      out += '=';
    }
  }
  return out;
}

// Decodes an unpadded run of symbols. Rejects a dangling single symbol and non-zero unused
// bits so that every byte string has exactly one accepted encoding.
Result<std::string> decode_unpadded(std::string_view in, const DecodeTable& table,
                                    std::string_view what) {
  if (in.size() % 4 == 1) {
    return invalid_argument(std::string(what) + ": invalid length");
  }
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int8_t v = table[static_cast<unsigned char>(c)];
    if (v < 0) {
      return invalid_argument(std::string(what) + ": invalid character");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return invalid_argument(std::string(what) + ": non-canonical trailing bits");
  }
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrlAlphabet, false); }

Result<std::string> base64url_decode(std::string_view text) {
  return decode_unpadded(text, kUrlTable, "base64url");
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStdAlphabet, true); }

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return invalid_argument("base64: length is not a multiple of 4");
  }
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
    ++pad;
  }
  return decode_unpadded(text.substr(0, text.size() - pad), kStdTable, "base64");
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace dts::jwt
