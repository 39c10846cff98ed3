#include "identity/oauth/csrf.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dts::identity::oauth {
namespace {

const KeyEncryption& kek() {
  static KeyEncryption k = KeyEncryption::from_bytes(std::string(32, 'k')).value();
  return k;
}

constexpr int64_t kNow = 1'800'000'000;

TEST(Csrf, IssuedPairVerifies) {
  Csrf csrf(kek(), std::chrono::hours(1));
  CsrfPair p = csrf.issue("", kNow);
  EXPECT_EQ(p.cookie.size(), 32u);
  EXPECT_TRUE(csrf.check(p.cookie, p.field, kNow + 10).ok());
  // Reusing the browser's cookie keeps forms in two tabs valid.
  CsrfPair again = csrf.issue(p.cookie, kNow + 5);
  EXPECT_EQ(again.cookie, p.cookie);
  EXPECT_TRUE(csrf.check(p.cookie, p.field, kNow + 10).ok());
  EXPECT_TRUE(csrf.check(again.cookie, again.field, kNow + 10).ok());
  // A cookie that is not ours is replaced.
  EXPECT_NE(csrf.issue("attacker-chosen", kNow).cookie, "attacker-chosen");
}

TEST(Csrf, RejectsMissingForeignExpiredAndForged) {
  Csrf csrf(kek(), std::chrono::hours(1));
  CsrfPair p = csrf.issue("", kNow);
  CsrfPair q = csrf.issue("", kNow);
  EXPECT_EQ(csrf.check("", p.field, kNow).error().message(), "CSRF cookie missing");
  EXPECT_EQ(csrf.check(p.cookie, "", kNow).error().message(), "CSRF token missing");
  EXPECT_EQ(csrf.check(p.cookie, "", kNow).error().code(), Code::kPermissionDenied);
  // Another session's field does not fit this cookie.
  EXPECT_FALSE(csrf.check(p.cookie, q.field, kNow).ok());
  EXPECT_FALSE(csrf.check(q.cookie, p.field, kNow).ok());
  // Expired, and issued in the future.
  EXPECT_FALSE(csrf.check(p.cookie, p.field, kNow + 3601).ok());
  CsrfPair future = csrf.issue(p.cookie, kNow + 3600);
  EXPECT_FALSE(csrf.check(p.cookie, future.field, kNow).ok());
  // Moving the timestamp breaks the MAC.
  std::string moved = std::to_string(kNow + 1000) + p.field.substr(p.field.find('.'));
  EXPECT_FALSE(csrf.check(p.cookie, moved, kNow + 1000).ok());
  // Another KEK (another installation) does not accept our tokens.
  KeyEncryption other = KeyEncryption::from_bytes(std::string(32, 'o')).value();
  EXPECT_FALSE(Csrf(other, std::chrono::hours(1)).check(p.cookie, p.field, kNow).ok());
  for (const std::string& junk :
       std::vector<std::string>{".", "x.y", "123", "-1.abc", std::string(500, 'a')}) {
    EXPECT_FALSE(csrf.check(p.cookie, junk, kNow).ok()) << junk.substr(0, 10);
  }
}

TEST(Csrf, CookieHeaderParsing) {
  EXPECT_EQ(cookie_value("a=1; XSRF-TOKEN=abc; b=2", "XSRF-TOKEN"), "abc");
  EXPECT_EQ(cookie_value("XSRF-TOKEN=abc", "XSRF-TOKEN"), "abc");
  EXPECT_EQ(cookie_value("xXSRF-TOKEN=abc", "XSRF-TOKEN"), "");
  EXPECT_EQ(cookie_value("", "XSRF-TOKEN"), "");
  EXPECT_EQ(cookie_value(";;;", "XSRF-TOKEN"), "");
}

}  // namespace
}  // namespace dts::identity::oauth
