#include "identity/triggers/signature.hpp"

#include <charconv>

#include "common/ids.hpp"
#include "identity/codes.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::triggers {
namespace {

std::string mac_hex(std::string_view key, int64_t t, std::string_view body) {
  std::string message = std::to_string(t);
  message += '.';
  message.append(body);
  return jwt::hex_encode(hmac_sha256(key, message));
}

}  // namespace

std::string sign(std::string_view key, int64_t unix_seconds, std::string_view body) {
  return "t=" + std::to_string(unix_seconds) + ",v1=" + mac_hex(key, unix_seconds, body);
}

Status verify(std::string_view key, std::string_view header, std::string_view body,
              std::chrono::system_clock::time_point now, std::chrono::seconds max_age) {
  if (key.size() < kMinKeyBytes) return unauthenticated("trigger signing key too short");
  // Exactly "t=<digits>,v1=<64 hex>": anything else is refused before any MAC work.
  if (header.size() > 128 || header.substr(0, 2) != "t=") {
    return unauthenticated("malformed trigger signature");
  }
  size_t comma = header.find(',');
  if (comma == std::string_view::npos || header.substr(comma + 1, 3) != "v1=") {
    return unauthenticated("malformed trigger signature");
  }
  std::string_view t_text = header.substr(2, comma - 2);
  std::string_view v1 = header.substr(comma + 4);
  int64_t t = 0;
  auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (ec != std::errc() || end != t_text.data() + t_text.size() || t_text.empty() ||
      v1.size() != 64) {
    return unauthenticated("malformed trigger signature");
  }
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t age = now_s - t;
  if (age > max_age.count() || -age > max_age.count()) {
    return unauthenticated("trigger signature timestamp outside the allowed window");
  }
  if (!ids::constant_time_equal(mac_hex(key, t, body), v1)) {
    return unauthenticated("trigger signature mismatch");
  }
  return ok_status();
}

}  // namespace dts::identity::triggers
