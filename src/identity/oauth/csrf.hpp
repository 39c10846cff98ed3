#pragma once
// CSRF protection for the hosted login and sign-up forms: a signed double-submit token.
//
// Rendering a form sets a random cookie (XSRF-TOKEN, HttpOnly, SameSite=Lax) and puts
//   _csrf = <issued-at seconds> "." base64url(HMAC(csrf key, cookie "|" issued-at))
// in a hidden field. A POST is accepted only with both, matching, and younger than max_age.
// A cross-site page can make the browser send the cookie but can neither read it nor compute
// the field; and an attacker's own valid pair does not help without planting its cookie.
// The key is derived from the key-encryption key (KeyEncryption::derive_mac("csrf")), so all
// instances of the service accept each other's forms.
//
// Thread-safety: immutable; any thread.

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "identity/key_encryption.hpp"

namespace dts::identity::oauth {

inline constexpr std::string_view kCsrfCookie = "XSRF-TOKEN";
inline constexpr std::string_view kCsrfField = "_csrf";

struct CsrfPair {
  std::string cookie;  // cookie value
  std::string field;   // hidden form field value
};

class Csrf {
 public:
  Csrf(const KeyEncryption& kek, std::chrono::seconds max_age) : kek_(kek), max_age_(max_age) {}

  // A pair for a new form; reuses `existing_cookie` when it looks like one of ours, so two
  // tabs of the login page do not invalidate each other.
  CsrfPair issue(std::string_view existing_cookie, int64_t now_seconds) const;
  // PermissionDenied naming what is missing or wrong (never echoing values).
  Status check(std::string_view cookie, std::string_view field, int64_t now_seconds) const;

 private:
  std::string mac(std::string_view cookie, std::string_view issued_at) const;

  const KeyEncryption& kek_;
  std::chrono::seconds max_age_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace dts::identity::oauth
