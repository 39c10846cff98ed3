#include "identity/throttle.hpp"

#include <gtest/gtest.h>

#include <set>

#include "identity/attributes.hpp"
#include "identity/codes.hpp"
#include "identity/faults.hpp"

namespace dts::identity {
namespace {

using namespace std::chrono_literals;

TEST(FailureThrottle, BlocksAtTheLimitWithinTheWindow) {
  FailureThrottle t(3, 60s);
  auto now = FailureThrottle::Clock::now();
  EXPECT_FALSE(t.blocked("k", now));
  t.record_failure("k", now);
  t.record_failure("k", now + 1s);
  EXPECT_FALSE(t.blocked("k", now + 2s));
  t.record_failure("k", now + 2s);
  EXPECT_TRUE(t.blocked("k", now + 3s));
  EXPECT_FALSE(t.blocked("other", now + 3s));
  EXPECT_FALSE(t.blocked("k", now + 61s));  // window over
  t.record_failure("k", now + 61s);          // starts a new window
  EXPECT_FALSE(t.blocked("k", now + 62s));
  t.reset("k");
  EXPECT_EQ(t.tracked(), 0u);
}

TEST(FailureThrottle, MemoryIsBounded) {
  FailureThrottle t(3, 60s, 100);
  auto now = FailureThrottle::Clock::now();
  for (int i = 0; i < 10000; ++i) t.record_failure("key" + std::to_string(i), now);
  EXPECT_LE(t.tracked(), 100u);
}

TEST(Codes, SixUniformDigits) {
  std::set<std::string> seen;
  int first_digit[10] = {};
  for (int i = 0; i < 2000; ++i) {
    std::string c = generate_code();
    ASSERT_TRUE(well_formed_code(c)) << c;
    seen.insert(c);
    ++first_digit[c[0] - '0'];
  }
  EXPECT_GT(seen.size(), 1950u);
  for (int d : first_digit) EXPECT_GT(d, 100);  // ~200 expected each
  EXPECT_FALSE(well_formed_code("12345"));
  EXPECT_FALSE(well_formed_code("12345a"));
  EXPECT_FALSE(well_formed_code("1234567"));
}

TEST(Codes, HashBindsKeyUserAndPurpose) {
  std::string h = hash_code("k", "u1", "confirm_sign_up", "123456");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, hash_code("k", "u1", "confirm_sign_up", "123456"));
  EXPECT_NE(h, hash_code("k2", "u1", "confirm_sign_up", "123456"));
  EXPECT_NE(h, hash_code("k", "u2", "confirm_sign_up", "123456"));
  EXPECT_NE(h, hash_code("k", "u1", "forgot_password", "123456"));
  EXPECT_NE(h, hash_code("k", "u1", "confirm_sign_up", "123457"));
  EXPECT_EQ(random_token(32).size(), 43u);
  EXPECT_NE(random_token(32), random_token(32));
}

TEST(Faults, PrefixRoundTripAndGenericMapping) {
  Error e = fault(kNotAuthorized, "Incorrect username or password.");
  EXPECT_EQ(e.code(), Code::kUnauthenticated);
  EXPECT_EQ(fault_type(e), kNotAuthorized);
  FaultView v = describe_fault(e);
  EXPECT_EQ(v.type, "NotAuthorizedException");
  EXPECT_EQ(v.message, "Incorrect username or password.");
  EXPECT_EQ(v.http_status, 400u);
  // A database error never leaks its text.
  FaultView db = describe_fault(unavailable("connection to server at 10.0.0.5 failed: password ..."));
  EXPECT_EQ(db.type, "InternalErrorException");
  EXPECT_EQ(db.message, "Internal server error.");
  EXPECT_EQ(db.http_status, 500u);
  EXPECT_TRUE(db.internal);
  // A message that merely looks like a prefix is not one.
  EXPECT_EQ(fault_type(invalid_argument("Foo: bar")), "");
}

TEST(Attributes, RulesAndRendering) {
  EXPECT_TRUE(check_attribute("email", "a@b.c", Writer::kSelf).ok());
  EXPECT_TRUE(check_attribute("custom:plan", "pro", Writer::kSelf).ok());
  EXPECT_EQ(fault_type(check_attribute("custom:tenant_id", "t", Writer::kSelf).error()), kNotAuthorized);
  EXPECT_TRUE(check_attribute("custom:tenant_id", "t", Writer::kAdmin).ok());
  EXPECT_EQ(fault_type(check_attribute("email_verified", "true", Writer::kSelf).error()), kNotAuthorized);
  EXPECT_FALSE(check_attribute("sub", "x", Writer::kAdmin).ok());
  EXPECT_FALSE(check_attribute("custom:", "x", Writer::kAdmin).ok());
  EXPECT_FALSE(check_attribute("custom:waytoolongname_abcdefghij", "x", Writer::kAdmin).ok());
  EXPECT_FALSE(check_attribute("favourite_colour", "x", Writer::kAdmin).ok());
  EXPECT_FALSE(check_attribute("email", "not-an-address", Writer::kSelf).ok());
  EXPECT_FALSE(check_attribute("email", "a@b@c", Writer::kSelf).ok());
  EXPECT_FALSE(check_attribute("name", std::string(2049, 'x'), Writer::kSelf).ok());
  EXPECT_FALSE(check_attribute("name", "a\x01", Writer::kSelf).ok());
  EXPECT_EQ(mask_email("alice@example.com"), "a***@e***.com");
  EXPECT_EQ(mask_email("x@y"), "x***@y***");
  EXPECT_EQ(mask_email("broken"), "***");
}

}  // namespace
}  // namespace dts::identity
