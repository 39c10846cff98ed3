#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::run;
using testing::S;

TEST(BuiltinCrypto, DigestKnownAnswers) {
  EXPECT_EQ(run("crypto.sha256", {S("abc")}),
            "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
  EXPECT_EQ(run("crypto.sha256", {S("")}),
            "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
  EXPECT_EQ(run("crypto.sha1", {S("abc")}), "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
  EXPECT_EQ(run("crypto.md5", {S("abc")}), "\"900150983cd24fb0d6963f7d28e17f72\"");
  EXPECT_EQ(run("crypto.md5", {testing::J("1")}),
            "ERR(type): crypto.md5: operand 1 must be string but got number");
}

TEST(BuiltinCrypto, HmacKnownAnswers) {
  // RFC 4231 test case 2.
  EXPECT_EQ(run("crypto.hmac.sha256", {S("what do ya want for nothing?"), S("Jefe")}),
            "\"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\"");
  EXPECT_EQ(run("crypto.hmac.sha512", {S("what do ya want for nothing?"), S("Jefe")}),
            "\"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d03"
            "4f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737\"");
  // RFC 2202.
  EXPECT_EQ(run("crypto.hmac.sha1", {S("what do ya want for nothing?"), S("Jefe")}),
            "\"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79\"");
  EXPECT_EQ(run("crypto.hmac.md5", {S("what do ya want for nothing?"), S("Jefe")}),
            "\"750c783e6ab0b503eaa86e310a5db738\"");
  EXPECT_EQ(run("crypto.hmac.sha256", {S("msg"), S("")}).size(), 66u);
}

TEST(BuiltinCrypto, HmacEqual) {
  EXPECT_EQ(run("crypto.hmac.equal", {S("abc"), S("abc")}), "true");
  EXPECT_EQ(run("crypto.hmac.equal", {S("abc"), S("abd")}), "false");
  EXPECT_EQ(run("crypto.hmac.equal", {S("abc"), S("abcd")}), "false");
  EXPECT_EQ(run("crypto.hmac.equal", {S(""), S("")}), "true");
}

}  // namespace
}  // namespace dts::rego
