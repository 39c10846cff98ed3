#pragma once
// The hosted UI's HTML pages (Cognito's /login, /signup, /confirm and error pages): small,
// self-contained (inline CSS, no script), every interpolated value HTML-escaped, and served
// with headers that forbid framing (clickjacking), caching and referrer leaks.
//
// Pure and thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/http/message.hpp"

namespace dts::identity::oauth {

using Fields = std::vector<std::pair<std::string, std::string>>;

// &, <, >, ", ' escaped: safe in text and in double-quoted attribute values.
std::string html_escape(std::string_view text);

struct FormPage {
  std::string title;           // "Sign in", "Sign up", "Confirm your account"
  std::string client_name;     // shown as "to continue to <client>"
  std::string action;          // form action path, e.g. "/login"
  Fields hidden;               // authorize parameters carried through + _csrf
  std::string message;         // an error or notice above the form, may be empty
  bool message_is_error = true;
  std::string username;        // prefilled
  enum class Kind { kLogin, kSignup, kConfirm } kind = Kind::kLogin;
  std::string alternate_link;  // "/signup?..." on the login page, "/login?..." on sign-up
};

std::string render_form(const FormPage& page);
std::string render_error(std::string_view title, std::string_view detail);
std::string render_notice(std::string_view title, std::string_view detail);

// A text/html response with the hosted UI's security headers (CSP, X-Frame-Options,
// no-store, no referrer).
http::Response html_response(std::string body, unsigned status = 200);

}  // namespace dts::identity::oauth
