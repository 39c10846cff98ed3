#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

// The jwt.io example token, HS256 with secret "your-256-bit-secret".
constexpr const char* kToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
    "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

TEST(BuiltinJwt, DecodeAndVerifyHmac) {
  EXPECT_EQ(
      run("io.jwt.decode", {S(kToken)}),
      R"([{"alg":"HS256","typ":"JWT"},{"iat":1516239022,"name":"John Doe","sub":"1234567890"},)"
      R"("49f94ac7044948c78a285d904f87f0a4c7897f7e8f3a4eb2255fda750b2cc397"])");
  EXPECT_EQ(run("io.jwt.verify_hs256", {S(kToken), S("your-256-bit-secret")}), "true");
  EXPECT_EQ(run("io.jwt.verify_hs256", {S(kToken), S("wrong")}), "false");
  EXPECT_EQ(run("io.jwt.verify_hs512", {S(kToken), S("your-256-bit-secret")}), "false");
  EXPECT_EQ(run("io.jwt.decode", {S("not.a.jwt")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("io.jwt.decode", {J("1")}).substr(0, 9), "ERR(type)");
  for (const char* name : {"io.jwt.verify_rs256", "io.jwt.verify_ps384", "io.jwt.verify_es512",
                           "io.jwt.verify_eddsa", "io.jwt.verify_hs384"}) {
    EXPECT_NE(Registry::defaults().find(name), nullptr) << name;
  }
}

TEST(BuiltinJwt, DecodeVerifyChecksConstraints) {
  testing::TestContext ctx;
  auto dv = [&](const char* constraints) {
    auto r = testing::call_ctx(ctx, "io.jwt.decode_verify", {S(kToken), J(constraints)});
    return r.ok() ? r->to_json() : "ERR: " + r.error().message();
  };
  EXPECT_EQ(
      dv(R"({"secret": "your-256-bit-secret"})"),
      R"([true,{"alg":"HS256","typ":"JWT"},{"iat":1516239022,"name":"John Doe","sub":"1234567890"}])");
  EXPECT_EQ(dv(R"({"secret": "nope"})"), "[false,{},{}]");
  EXPECT_EQ(dv(R"({"secret": "your-256-bit-secret", "iss": "someone"})"), "[false,{},{}]");
}

TEST(BuiltinJwt, EncodeSignRoundTrip) {
  Value key = J(R"({"kty": "oct", "k": "c2VjcmV0LWtleS1mb3ItdGVzdHMtMTIzNDU2Nzg5MA"})");
  auto token = testing::call("io.jwt.encode_sign", {J(R"({"alg": "HS256", "typ": "JWT"})"),
                                                    J(R"({"sub": "alice"})"), key});
  ASSERT_TRUE(token.ok()) << token.error().message();
  EXPECT_EQ(run("io.jwt.verify_hs256", {*token, S("secret-key-for-tests-1234567890")}), "true");
  auto decoded = testing::call("io.jwt.decode", {*token});
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->as_array()[1].to_json(), R"({"sub":"alice"})");
  auto raw = testing::call("io.jwt.encode_sign_raw",
                           {S(R"({"alg":"HS256"})"), S(R"({"x":1})"), S(key.to_json())});
  ASSERT_TRUE(raw.ok()) << raw.error().message();
  EXPECT_EQ(run("io.jwt.verify_hs256", {*raw, S("secret-key-for-tests-1234567890")}), "true");
  EXPECT_EQ(run("io.jwt.encode_sign", {J("{}"), J("{}"), S("k")}).substr(0, 9), "ERR(type)");
}

}  // namespace
}  // namespace dts::rego
