#include "identity/oauth/csrf.hpp"

#include <openssl/rand.h>

#include <charconv>
#include <cstdlib>

#include "common/ids.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::oauth {
namespace {

bool looks_like_cookie(std::string_view v) {
  auto raw = jwt::base64url_decode(v);
  return raw.ok() && raw->size() == 24;
}

}  // namespace

std::string Csrf::mac(std::string_view cookie, std::string_view issued_at) const {
  std::string input(cookie);
  input += '|';
  input += issued_at;
  return jwt::base64url_encode(kek_.derive_mac("csrf", input));
}

CsrfPair Csrf::issue(std::string_view existing_cookie, int64_t now_seconds) const {
  CsrfPair p;
  if (looks_like_cookie(existing_cookie)) {
    p.cookie = std::string(existing_cookie);
  } else {
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1) {
      std::abort();  // no CSPRNG: predictable CSRF cookies would defeat the check
    }
    p.cookie = jwt::base64url_encode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  }
  std::string ts = std::to_string(now_seconds);
  p.field = ts + "." + mac(p.cookie, ts);
  return p;
}

Status Csrf::check(std::string_view cookie, std::string_view field, int64_t now_seconds) const {
  if (cookie.empty()) {
    return permission_denied("CSRF cookie missing");
  }
  if (field.empty()) {
    return permission_denied("CSRF token missing");
  }
  if (!looks_like_cookie(cookie) || field.size() > 128) {
    return permission_denied("CSRF token invalid");
  }
  size_t dot = field.find('.');
  if (dot == std::string_view::npos) {
    return permission_denied("CSRF token invalid");
  }
  std::string_view ts = field.substr(0, dot);
  int64_t issued = 0;
  auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), issued);
  if (ec != std::errc() || end != ts.data() + ts.size()) {
    return permission_denied("CSRF token invalid");
  }
  if (!ids::constant_time_equal(mac(cookie, ts), field.substr(dot + 1))) {
    return permission_denied("CSRF token invalid");
  }
  if (issued > now_seconds + 60 || now_seconds - issued > max_age_.count()) {
    return permission_denied("CSRF token expired; reload the page");
  }
  return ok_status();
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') {
      part.remove_prefix(1);
    }
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view v = part.substr(eq + 1);
      while (!v.empty() && v.back() == ' ') {
        v.remove_suffix(1);
      }
      return v;
    }
    if (semi == std::string_view::npos) {
      break;
    }
    header.remove_prefix(semi + 1);
  }
  return {};
}

}  // namespace dts::identity::oauth
