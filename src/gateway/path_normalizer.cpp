#include "gateway/path_normalizer.hpp"

#include <vector>

namespace dts::gateway {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

constexpr size_t kMaxPathBytes = 8192;

}  // namespace

Result<std::string> normalize_path(std::string_view raw) {
  if (raw.empty() || raw[0] != '/') return invalid_argument("path must start with '/'");
  if (raw.size() > kMaxPathBytes) return invalid_argument("path too long");
  // 1. Escapes: decode the unreserved ones, keep the others canonical, reject the rest.
  std::string decoded;
  decoded.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return invalid_argument("malformed percent-escape in path");
      }
      int hi = hex_value(raw[i + 1]);
      int lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return invalid_argument("malformed percent-escape in path");
      unsigned char v = static_cast<unsigned char>(hi * 16 + lo);
      if (v == '/' || v == '\\') return invalid_argument("encoded slash in path");
      if (v < 0x20 || v == 0x7f) return invalid_argument("encoded control character in path");
      if (unreserved(v)) {
        decoded += static_cast<char>(v);
      } else {
        static const char* kHex = "0123456789ABCDEF";
        decoded += '%';
        decoded += kHex[v >> 4];
        decoded += kHex[v & 15];
      }
      i += 2;
      continue;
    }
    if (c == '\\') return invalid_argument("backslash in path");
    if (c <= 0x20 || c >= 0x7f) return invalid_argument("invalid character in path");
    decoded += static_cast<char>(c);
  }
  // 2. Segments: collapse empty ones, resolve dot segments.
  std::vector<std::string_view> out;
  std::string_view rest(decoded);
  bool trailing_slash = decoded.size() > 1 && decoded.back() == '/';
  size_t pos = 1;
  while (pos <= rest.size()) {
    size_t slash = rest.find('/', pos);
    std::string_view seg =
        rest.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? rest.size() + 1 : slash + 1;
    if (seg.empty() || seg == ".") {
      if (slash == std::string_view::npos && seg == ".") trailing_slash = true;
      continue;
    }
    if (seg == "..") {
      if (out.empty()) return invalid_argument("path escapes the root");
      out.pop_back();
      if (slash == std::string_view::npos) trailing_slash = true;
      continue;
    }
    out.push_back(seg);
  }
  std::string result;
  result.reserve(decoded.size());
  for (auto seg : out) {
    result += '/';
    result += seg;
  }
  if (result.empty() || trailing_slash) result += '/';
  return result;
}

}  // namespace dts::gateway
