#include "jwt/rego_support.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/jwk.hpp"
#include "jwt/jws.hpp"
#include "jwt/test_support.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

constexpr int64_t kNs = 1'000'000'000;

TEST(RegoDecode, ReturnsHeaderPayloadAndHexSignature) {
  auto d = rego_decode(testing::kA1Token);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->header.at("alg").as_string(), "HS256");
  EXPECT_EQ(d->payload.at("iss").as_string(), "joe");
  EXPECT_EQ(d->signature_hex, "7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79");
  EXPECT_FALSE(rego_decode(testing::kEd25519Token).ok());  // payload is not JSON
  EXPECT_FALSE(rego_decode("garbage").ok());
}

TEST(RegoVerify, SecretPemJwkAndJwks) {
  // HS256 with the raw secret bytes of RFC 7515 A.1.
  Key a1 = key_from_jwk_json(testing::kA1Jwk).value();
  EXPECT_TRUE(rego_verify(Alg::kHS256, testing::kA1Token, a1.secret()).value());
  EXPECT_FALSE(rego_verify(Alg::kHS256, testing::kA1Token, "wrong").value());
  EXPECT_FALSE(rego_verify(Alg::kHS384, testing::kA1Token, a1.secret()).value());  // alg differs

  // ES256 A.3 with the key as a JWK, as a JWKS, and as PEM.
  Key a3 = key_from_jwk_json(testing::kA3Jwk).value().public_key().value();
  std::string jwk = json::serialize(key_to_public_jwk(a3).value());
  EXPECT_TRUE(rego_verify(Alg::kES256, testing::kA3Token, jwk).value());
  EXPECT_TRUE(rego_verify(Alg::kES256, testing::kA3Token, "{\"keys\":[" + jwk + "]}").value());
  EXPECT_TRUE(rego_verify(Alg::kES256, testing::kA3Token, a3.to_public_pem().value()).value());
  EXPECT_FALSE(rego_verify(Alg::kES256, "not.a.token", jwk).value());
  EXPECT_FALSE(rego_verify(Alg::kES256, testing::kA3Token, "neither pem nor json").ok());

  // A JWKS with several keys: any fitting key may verify.
  KeySet set;
  set.add(testing::cached_key(KeySpec::kRsa2048).public_key().value());
  set.add(a3);
  EXPECT_TRUE(
      rego_verify(Alg::kES256, testing::kA3Token, json::serialize(set.to_public_jwks())).value());
}

TEST(RegoDecodeVerify, FollowsOpaRules) {
  const Key& key = testing::cached_key(KeySpec::kEcP256);
  std::string pem = key.to_public_pem().value();
  json::object claims{{"iss", "xxx"}, {"aud", "svc"}, {"exp", 2000}, {"nbf", 1000}};
  std::string token = sign_jwt(Alg::kES256, key, claims).value();
  auto check = [&](json::object constraints) {
    auto r = rego_decode_verify(token, constraints, 1500 * kNs);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() && r->valid;
  };
  EXPECT_TRUE(check({{"cert", pem}, {"aud", "svc"}}));
  EXPECT_TRUE(check({{"cert", pem}, {"aud", "svc"}, {"iss", "xxx"}, {"alg", "ES256"}}));
  EXPECT_FALSE(check({{"cert", pem}}));  // token has aud
  EXPECT_FALSE(check({{"cert", pem}, {"aud", "other"}}));
  EXPECT_FALSE(check({{"cert", pem}, {"aud", "svc"}, {"iss", "yyy"}}));
  EXPECT_FALSE(check({{"cert", pem}, {"aud", "svc"}, {"alg", "RS256"}}));
  EXPECT_FALSE(check({{"cert", pem}, {"aud", "svc"}, {"time", 2000 * kNs}}));  // at exp
  EXPECT_TRUE(check({{"cert", pem}, {"aud", "svc"}, {"time", 1999 * kNs}}));
  EXPECT_FALSE(check({{"cert", pem}, {"aud", "svc"}, {"time", 999 * kNs}}));  // before nbf
  EXPECT_FALSE(check({{"secret", "s"}, {"aud", "svc"}}));                     // wrong key kind

  auto ok = rego_decode_verify(token, {{"cert", pem}, {"aud", "svc"}}, 1500 * kNs).value();
  EXPECT_EQ(ok.payload.at("iss").as_string(), "xxx");
  EXPECT_EQ(ok.header.at("alg").as_string(), "ES256");
  auto bad = rego_decode_verify(token, {{"cert", pem}}, 1500 * kNs).value();
  EXPECT_TRUE(bad.header.empty());
  EXPECT_TRUE(bad.payload.empty());

  EXPECT_FALSE(rego_decode_verify(token, {{"aud", "svc"}}, 0).ok());                  // no key
  EXPECT_FALSE(rego_decode_verify(token, {{"cert", pem}, {"secret", "s"}}, 0).ok());  // both
  EXPECT_FALSE(rego_decode_verify(token, {{"cert", pem}, {"bogus", 1}}, 0).ok());
  EXPECT_FALSE(rego_decode_verify("x", {{"cert", pem}}, 0).value().valid);
}

TEST(RegoEncodeSign, SignsWithAJwk) {
  json::object header{{"alg", "HS256"}, {"typ", "JWT"}};
  json::object payload{{"iss", "joe"}, {"exp", 1300819380}};
  json::object jwk = json::parse(testing::kA1Jwk).as_object();
  auto token = rego_encode_sign(header, payload, jwk);
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  Key a1 = key_from_jwk(jwk).value();
  EXPECT_TRUE(rego_verify(Alg::kHS256, *token, a1.secret()).value());
  auto d = rego_decode(*token).value();
  EXPECT_EQ(d.header, header);
  EXPECT_EQ(d.payload, payload);

  // encode_sign_raw keeps the header bytes exactly (here the RFC's CRLF-laden header).
  auto raw = rego_encode_sign_raw("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
                                  "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n "
                                  "\"http://example.com/is_root\":true}",
                                  testing::kA1Jwk);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, testing::kA1Token);

  // Asymmetric: a private EC JWK signs, its public half verifies.
  Key ec = testing::cached_key(KeySpec::kEcP256);
  auto es = rego_encode_sign({{"alg", "ES256"}}, payload, key_to_private_jwk(ec).value());
  ASSERT_TRUE(es.ok());
  EXPECT_TRUE(rego_verify(Alg::kES256, *es, ec.to_public_pem().value()).value());
  EXPECT_FALSE(rego_encode_sign({{"alg", "none"}}, payload, jwk).ok());
  EXPECT_FALSE(rego_encode_sign({{"alg", "ES256"}}, payload, jwk).ok());  // oct key for ES256
}

}  // namespace
}  // namespace dts::jwt
