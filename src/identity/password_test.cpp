#include "identity/password.hpp"

#include <gtest/gtest.h>

#include "identity/faults.hpp"

namespace dts::identity {
namespace {

// Small parameters keep the tests fast (and ASan-friendly); production uses the defaults.
const Argon2Params kFast{1, 64 * 1024};

TEST(Password, HashRecordsParametersAndVerifies) {
  auto hash = hash_password("Correct-horse-1", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password(*hash, "Correct-horse-1"));
  EXPECT_FALSE(verify_password(*hash, "Correct-horse-2"));
  EXPECT_FALSE(verify_password(*hash, ""));
  // Two hashes of one password differ (random salt).
  EXPECT_NE(*hash, *hash_password("Correct-horse-1", kFast));
}

TEST(Password, MalformedHashNeverVerifies) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=64,t=1,p=1$garbage", "x"));
  EXPECT_FALSE(verify_password(std::string(500, 'a'), "x"));
}

TEST(Password, NeedsRehashWhenParametersChange) {
  auto hash = hash_password("Correct-horse-1", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(needs_rehash(*hash, kFast));
  EXPECT_TRUE(needs_rehash(*hash, Argon2Params{2, 64 * 1024}));
  EXPECT_TRUE(needs_rehash(*hash, Argon2Params{1, 128 * 1024}));
  // Old hashes stay verifiable after the parameters were raised.
  EXPECT_TRUE(verify_password(*hash, "Correct-horse-1"));
}

TEST(Password, ParamsBounds) {
  EXPECT_TRUE(check_argon2_params({2, 64ull << 20}).ok());
  EXPECT_FALSE(check_argon2_params({0, 64ull << 20}).ok());
  EXPECT_FALSE(check_argon2_params({2, 1024}).ok());
}

std::string policy_message(const PasswordPolicy& p, std::string_view pw) {
  auto s = check_password_policy(p, pw);
  if (s.ok()) return "ok";
  return std::string(fault_type(s.error())) + " | " + describe_fault(s.error()).message;
}

TEST(PasswordPolicy, CognitoWording) {
  PasswordPolicy p;
  EXPECT_EQ(policy_message(p, "Ab1!xyzw"), "ok");
  EXPECT_EQ(policy_message(p, "Ab1!"),
            "InvalidPasswordException | Password did not conform with policy: Password not long enough");
  EXPECT_EQ(policy_message(p, "AB1!XYZW"),
            "InvalidPasswordException | Password did not conform with policy: Password must have lowercase characters");
  EXPECT_EQ(policy_message(p, "ab1!xyzw"),
            "InvalidPasswordException | Password did not conform with policy: Password must have uppercase characters");
  EXPECT_EQ(policy_message(p, "Abc!xyzw"),
            "InvalidPasswordException | Password did not conform with policy: Password must have numeric characters");
  EXPECT_EQ(policy_message(p, "Abc1xyzw"),
            "InvalidPasswordException | Password did not conform with policy: Password must have symbol characters");
  EXPECT_EQ(fault_type(check_password_policy(p, std::string(257, 'a')).error()), kInvalidParameter);
  EXPECT_EQ(fault_type(check_password_policy(p, "Ab1!xyz\n").error()), kInvalidParameter);
  PasswordPolicy lax;
  lax.min_length = 6;
  lax.require_symbols = lax.require_uppercase = lax.require_numbers = false;
  EXPECT_EQ(policy_message(lax, "abcdef"), "ok");
}

TEST(PasswordPolicy, GeneratedPasswordsSatisfyThePolicy) {
  PasswordPolicy p;
  p.min_length = 20;
  for (int i = 0; i < 50; ++i) {
    std::string pw = generate_password(p);
    EXPECT_GE(pw.size(), 20u);
    EXPECT_TRUE(check_password_policy(p, pw).ok()) << pw;
  }
}

}  // namespace
}  // namespace dts::identity
