#include "identity/oauth/authorize_request.hpp"

#include <gtest/gtest.h>

#include "identity/oauth/pages.hpp"
#include "identity/oauth/redirect.hpp"

namespace dts::identity::oauth {
namespace {

using Outcome = AuthorizeCheck::Outcome;

constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

AppClient spa() {
  AppClient c;
  c.id = "spa";
  c.pool_id = "us-east-1_DTSlocal";
  c.name = "Web app";
  c.callback_urls = {"http://localhost:5173/callback", "https://app.example.com/cb"};
  c.logout_urls = {"http://localhost:5173/"};
  c.allowed_scopes = {"openid", "email", "profile"};
  c.allowed_oauth_flows = {"code"};
  return c;
}

AuthorizeParams params() {
  AuthorizeParams p;
  p.response_type = "code";
  p.client_id = "spa";
  p.redirect_uri = "https://app.example.com/cb";
  p.scope = "openid email";
  p.state = "xyz";
  p.nonce = "n1";
  p.code_challenge = std::string(kChallenge);
  p.code_challenge_method = "S256";
  return p;
}

TEST(Authorize, ValidRequest) {
  AuthorizeCheck c = check_authorize(params(), spa());
  EXPECT_EQ(c.outcome, Outcome::kOk) << c.description;
  EXPECT_EQ(c.scopes, (std::vector<std::string>{"openid", "email"}));
  AuthorizeParams p = params();
  p.scope.clear();
  EXPECT_EQ(check_authorize(p, spa()).scopes, spa().allowed_scopes);
}

TEST(Authorize, UnregisteredRedirectNeverRedirects) {
  for (std::string uri :
       {"https://evil.example.com/cb", "https://app.example.com/cb/", "https://app.example.com/cb?x=1",
        "https://app.example.com/cb#", "https://APP.example.com/cb", "https://app.example.com:443/cb",
        "https://app.example.com/cb/../cb", "https://app.example.com/c%62", "//evil.example.com",
        "https://app.example.com/cb\r\nLocation: https://evil", ""}) {
    AuthorizeParams p = params();
    p.redirect_uri = uri;
    AuthorizeCheck c = check_authorize(p, spa());
    EXPECT_EQ(c.outcome, Outcome::kErrorPage) << uri;
  }
  // Also when other parameters are wrong: the redirect check comes first.
  AuthorizeParams p = params();
  p.redirect_uri = "https://evil.example.com/cb";
  p.response_type = "token";
  EXPECT_EQ(check_authorize(p, spa()).outcome, Outcome::kErrorPage);
  // Unknown or missing client.
  EXPECT_EQ(check_authorize(params(), std::nullopt).outcome, Outcome::kErrorPage);
  p = params();
  p.client_id.clear();
  EXPECT_EQ(check_authorize(p, spa()).outcome, Outcome::kErrorPage);
}

TEST(Authorize, ErrorsAfterRedirectValidationGoToTheClient) {
  AuthorizeParams p = params();
  p.response_type = "token";
  AuthorizeCheck c = check_authorize(p, spa());
  EXPECT_EQ(c.outcome, Outcome::kRedirectError);
  EXPECT_EQ(c.error, "unsupported_response_type");
  EXPECT_EQ(error_redirect(p, c.error, "d"),
            "https://app.example.com/cb?error=unsupported_response_type&error_description=d&state=xyz");

  p = params();
  p.scope = "openid admin";
  EXPECT_EQ(check_authorize(p, spa()).error, "invalid_scope");

  p = params();
  p.state = std::string(3000, 's');
  EXPECT_EQ(check_authorize(p, spa()).error, "invalid_request");

  AppClient no_code = spa();
  no_code.allowed_oauth_flows = {"client_credentials"};
  EXPECT_EQ(check_authorize(params(), no_code).error, "unauthorized_client");
}

TEST(Authorize, PkceRequiredForPublicClientsS256Only) {
  AuthorizeParams p = params();
  p.code_challenge.clear();
  p.code_challenge_method.clear();
  AuthorizeCheck c = check_authorize(p, spa());
  EXPECT_EQ(c.outcome, Outcome::kRedirectError);
  EXPECT_EQ(c.error, "invalid_request");
  // A confidential client may skip PKCE.
  AppClient confidential = spa();
  confidential.secret = "s3cret";
  EXPECT_EQ(check_authorize(p, confidential).outcome, Outcome::kOk);

  p = params();
  p.code_challenge_method = "plain";
  EXPECT_EQ(check_authorize(p, spa()).error, "invalid_request");
  p = params();
  p.code_challenge_method.clear();
  EXPECT_EQ(check_authorize(p, spa()).error, "invalid_request");
  p = params();
  p.code_challenge = "short";
  EXPECT_EQ(check_authorize(p, spa()).error, "invalid_request");
}

TEST(Authorize, ParamsRoundTrip) {
  Params raw{{"client_id", "spa"}, {"client_id", "second"}, {"state", "a b"}, {"x", "ignored"}};
  AuthorizeParams p = AuthorizeParams::from(raw);
  EXPECT_EQ(p.client_id, "spa");
  EXPECT_EQ(p.state, "a b");
  EXPECT_EQ(p.to_params(), (Params{{"client_id", "spa"}, {"state", "a b"}}));
}

TEST(Redirect, WithQuery) {
  EXPECT_EQ(with_query("https://a/cb", {{"code", "x y"}, {"state", "s&t"}}),
            "https://a/cb?code=x%20y&state=s%26t");
  EXPECT_EQ(with_query("https://a/cb?k=v", {{"code", "c"}}), "https://a/cb?k=v&code=c");
  EXPECT_EQ(with_query("https://a/cb#frag", {{"code", "c"}}), "https://a/cb?code=c#frag");
  EXPECT_FALSE(redirect_registered(std::string(3000, 'a'), {std::string(3000, 'a')}));
}

TEST(Pages, EverythingIsEscaped) {
  FormPage page;
  page.title = "Sign in";
  page.client_name = "<script>alert(1)</script>";
  page.action = "/login";
  page.hidden = {{"state", "\"><img src=x onerror=alert(1)>"}};
  page.message = "a & b";
  page.username = "o'neil";
  page.alternate_link = "/signup?state=%22";
  std::string html = render_form(page);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("value=\"&quot;&gt;&lt;img"), std::string::npos);
  EXPECT_NE(html.find("o&#39;neil"), std::string::npos);
  EXPECT_NE(html.find("name=\"password\" type=\"password\""), std::string::npos);
  http::Response r = html_response(html);
  EXPECT_EQ(r.headers.get("X-Frame-Options"), "DENY");
  EXPECT_NE(r.headers.get("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(r.headers.get("Cache-Control"), "no-store");
}

}  // namespace
}  // namespace dts::identity::oauth
