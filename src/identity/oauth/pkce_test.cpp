#include "identity/oauth/pkce.hpp"

#include <gtest/gtest.h>

namespace dts::identity::oauth {
namespace {

// RFC 7636 Appendix B.
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, Rfc7636KnownAnswer) {
  EXPECT_EQ(s256_challenge(kVerifier), kChallenge);
  EXPECT_TRUE(verify_pkce(kChallenge, kVerifier).ok());
  EXPECT_TRUE(valid_s256_challenge(kChallenge));
}

TEST(Pkce, MismatchAndMalformedVerifiers) {
  std::string other(kVerifier);
  other.back() = 'Y';
  EXPECT_FALSE(verify_pkce(kChallenge, other).ok());
  // "plain": sending the challenge itself as the verifier must fail.
  EXPECT_FALSE(verify_pkce(kChallenge, kChallenge).ok());
  EXPECT_FALSE(verify_pkce(kChallenge, "").ok());
  EXPECT_FALSE(verify_pkce(kChallenge, std::string(42, 'a')).ok());   // too short
  EXPECT_FALSE(verify_pkce(kChallenge, std::string(129, 'a')).ok());  // too long
  EXPECT_TRUE(valid_code_verifier(std::string(128, 'a')));
  EXPECT_FALSE(valid_code_verifier(std::string(43, ' ')));
  EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "+"));
  EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "\xc3"));
}

TEST(Pkce, ChallengeShape) {
  EXPECT_FALSE(valid_s256_challenge(""));
  EXPECT_FALSE(valid_s256_challenge(std::string(kChallenge) + "="));
  EXPECT_FALSE(valid_s256_challenge(std::string(kChallenge).substr(0, 42)));
  EXPECT_FALSE(valid_s256_challenge(std::string(43, '+')));
}

}  // namespace
}  // namespace dts::identity::oauth
