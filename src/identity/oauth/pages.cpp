#include "identity/oauth/pages.hpp"

namespace dts::identity::oauth {
namespace {

constexpr std::string_view kHead = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>)";

constexpr std::string_view kStyle = R"(</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;
justify-content:center;align-items:flex-start;min-height:100vh}
main{background:#fff;margin-top:8vh;padding:2rem 2.5rem;border-radius:8px;
box-shadow:0 2px 8px rgba(0,0,0,.12);width:22rem}
h1{font-size:1.4rem;margin:0 0 .3rem}p.sub{color:#555;margin:0 0 1.2rem}
label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;
padding:.55rem;border:1px solid #bbb;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.65rem;border:0;border-radius:4px;
background:#1f5fbf;color:#fff;font-size:1rem;cursor:pointer}
.error{background:#fdecea;color:#8a1c10;padding:.6rem;border-radius:4px}
.notice{background:#e8f4ea;color:#1d5a2a;padding:.6rem;border-radius:4px}
.alt{margin-top:1rem;font-size:.9rem;text-align:center}
</style></head><body><main>
)";

constexpr std::string_view kTail = "</main></body></html>\n";

std::string input(std::string_view label, std::string_view name, std::string_view type,
                  std::string_view value, std::string_view autocomplete) {
  std::string out = "<label for=\"" + std::string(name) + "\">" + std::string(label) + "</label>";
  out += "<input id=\"" + std::string(name) + "\" name=\"" + std::string(name) + "\" type=\"" +
         std::string(type) + "\" required autocomplete=\"" + std::string(autocomplete) + "\"";
  if (!value.empty()) {
    out += " value=\"" + html_escape(value) + "\"";
  }
  out += ">\n";
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_form(const FormPage& page) {
  std::string out(kHead);
  out += html_escape(page.title);
  out += kStyle;
  out += "<h1>" + html_escape(page.title) + "</h1>\n";
  if (!page.client_name.empty()) {
    out += "<p class=\"sub\">to continue to " + html_escape(page.client_name) + "</p>\n";
  }
  if (!page.message.empty()) {
    out += std::string("<p class=\"") + (page.message_is_error ? "error" : "notice") +
           "\" role=\"alert\">" + html_escape(page.message) + "</p>\n";
  }
  out += "<form method=\"post\" action=\"" + html_escape(page.action) + "\">\n";
  for (const auto& [name, value] : page.hidden) {
    out += "<input type=\"hidden\" name=\"" + html_escape(name) + "\" value=\"" +
           html_escape(value) + "\">\n";
  }
  switch (page.kind) {
    case FormPage::Kind::kLogin:
      out += input("Username", "username", "text", page.username, "username");
      out += input("Password", "password", "password", "", "current-password");
      out += "<button type=\"submit\">Sign in</button>\n";
      break;
    case FormPage::Kind::kSignup:
      out += input("Username", "username", "text", page.username, "username");
      out += input("Email", "email", "email", "", "email");
      out += input("Password", "password", "password", "", "new-password");
      out += "<button type=\"submit\">Sign up</button>\n";
      break;
    case FormPage::Kind::kConfirm:
      out += input("Username", "username", "text", page.username, "username");
      out += input("Verification code", "code", "text", "", "one-time-code");
      out += "<button type=\"submit\">Confirm account</button>\n";
      break;
  }
  out += "</form>\n";
  if (!page.alternate_link.empty()) {
    bool to_signup = page.kind == FormPage::Kind::kLogin;
    out += "<p class=\"alt\">" + std::string(to_signup ? "Need an account? " : "Have an account? ") +
           "<a href=\"" + html_escape(page.alternate_link) + "\">" +
           (to_signup ? "Sign up" : "Sign in") + "</a></p>\n";
  }
  out += kTail;
  return out;
}

std::string render_error(std::string_view title, std::string_view detail) {
  std::string out(kHead);
  out += html_escape(title);
  out += kStyle;
  out += "<h1>" + html_escape(title) + "</h1>\n<p class=\"error\" role=\"alert\">" +
         html_escape(detail) + "</p>\n";
  out += kTail;
  return out;
}

std::string render_notice(std::string_view title, std::string_view detail) {
  std::string out(kHead);
  out += html_escape(title);
  out += kStyle;
  out += "<h1>" + html_escape(title) + "</h1>\n<p class=\"notice\">" + html_escape(detail) +
         "</p>\n";
  out += kTail;
  return out;
}

http::Response html_response(std::string body, unsigned status) {
  http::Response r = http::Response::text(std::move(body), status, "text/html; charset=utf-8");
  // No form-action: browsers apply it to the redirect that follows the login POST, which goes
  // to the client's (other-origin) callback URL.
  r.headers.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; "
                "frame-ancestors 'none'; base-uri 'none'");
  r.headers.set("X-Frame-Options", "DENY");
  r.headers.set("X-Content-Type-Options", "nosniff");
  r.headers.set("Referrer-Policy", "no-referrer");
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace dts::identity::oauth
