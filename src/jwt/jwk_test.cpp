#include "jwt/jwk.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/base64.hpp"
#include "jwt/key_set.hpp"
#include "jwt/test_support.hpp"
#include "jwt/thumbprint.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

// RFC 7517 Appendix A.1: a public JWKS with an EC and an RSA key.
constexpr const char* kRfc7517A1 = R"({"keys":[
  {"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
   "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"1"},
  {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
   "e":"AQAB","alg":"RS256","kid":"2011-04-29"}]})";

TEST(Jwk, Rfc7517A1PublicKeys) {
  auto parsed = parse_jwks_json(kRfc7517A1);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  // The EC key is an encryption key ("use":"enc"): skipped and reported, not fatal.
  ASSERT_EQ(parsed->keys.size(), 1u);
  ASSERT_EQ(parsed->skipped.size(), 1u);
  EXPECT_EQ(parsed->skipped[0].kid, "1");
  EXPECT_NE(parsed->skipped[0].reason.find("use"), std::string::npos);
  const Key* rsa = parsed->keys.find("2011-04-29");
  ASSERT_NE(rsa, nullptr);
  EXPECT_EQ(rsa->type(), KeyType::kRsa);
  EXPECT_EQ(rsa->bits(), 2048);
  EXPECT_EQ(rsa->alg(), Alg::kRS256);
  EXPECT_FALSE(rsa->has_private());
  // The EC key itself is valid (its point is on P-256) when read directly.
  json::value doc = json::parse(kRfc7517A1);
  auto ec = key_from_jwk(doc.at("keys").at(0).as_object());
  ASSERT_TRUE(ec.ok()) << ec.error().to_string();
  EXPECT_EQ(ec->curve(), "P-256");
  EXPECT_EQ(ec->use(), "enc");
}

TEST(Jwk, Rfc7638Thumbprint) {
  json::value doc = json::parse(kRfc7517A1);
  Key rsa = key_from_jwk(doc.at("keys").at(1).as_object()).value();
  EXPECT_EQ(jwk_thumbprint(rsa).value(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  // RFC 8037 A.3: the Ed25519 key's thumbprint.
  Key ed = key_from_jwk_json(testing::kEd25519Jwk).value();
  EXPECT_EQ(jwk_thumbprint(ed).value(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(Jwk, ExportRoundTripsEveryKeyShape) {
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kEcP256, KeySpec::kEcP384, KeySpec::kEcP521,
                       KeySpec::kEd25519, KeySpec::kHmac256}) {
    Key key = testing::cached_key(spec);
    key.set_kid("k");
    key.set_use("sig");
    auto priv = key_to_private_jwk(key);
    ASSERT_TRUE(priv.ok()) << priv.error().to_string();
    Key back = key_from_jwk(*priv).value();
    EXPECT_TRUE(back.same_material(key));
    EXPECT_TRUE(back.has_private());
    EXPECT_EQ(back.kid(), "k");
    if (spec == KeySpec::kHmac256) {
      EXPECT_FALSE(key_to_public_jwk(key).ok());  // never publish a secret
      continue;
    }
    auto pub = key_to_public_jwk(key).value();
    EXPECT_FALSE(pub.contains("d"));
    EXPECT_FALSE(pub.contains("p"));
    Key pub_back = key_from_jwk(pub).value();
    EXPECT_FALSE(pub_back.has_private());
    EXPECT_TRUE(pub_back.same_material(key));
    EXPECT_EQ(jwk_thumbprint(pub_back).value(), jwk_thumbprint(key).value());
  }
}

TEST(Jwk, Rfc7515KeysParse) {
  EXPECT_EQ(key_from_jwk_json(testing::kA1Jwk)->bits(), 512);
  Key a2 = key_from_jwk_json(testing::a2_jwk(true)).value();
  EXPECT_EQ(a2.bits(), 2048);
  EXPECT_TRUE(a2.has_private());
  Key a3 = key_from_jwk_json(testing::kA3Jwk).value();
  EXPECT_TRUE(a3.has_private());
  // The A.3 private key's exported public half matches the published x/y.
  auto pub = key_to_public_jwk(a3).value();
  EXPECT_EQ(pub.at("x").as_string(), "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  EXPECT_EQ(pub.at("y").as_string(), "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
}

TEST(Jwk, RejectsBrokenKeys) {
  const std::string x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
  const std::string y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  auto ec = [&](std::string_view xx, std::string_view yy, std::string_view crv = "P-256") {
    return R"({"kty":"EC","crv":")" + std::string(crv) + R"(","x":")" + std::string(xx) +
           R"(","y":")" + std::string(yy) + "\"}";
  };
  EXPECT_TRUE(key_from_jwk_json(ec(x, y)).ok());
  // Off-curve point (invalid-curve attack): flip the last bit of y.
  std::string y_bytes = base64url_decode(y).value();
  y_bytes.back() ^= 1;
  EXPECT_FALSE(key_from_jwk_json(ec(x, base64url_encode(y_bytes))).ok());
  EXPECT_FALSE(key_from_jwk_json(ec(x.substr(0, 42), y)).ok());  // short x
  EXPECT_FALSE(key_from_jwk_json(ec(x, y, "P-384")).ok());       // wrong length
  EXPECT_EQ(key_from_jwk_json(ec(x, y, "secp256k1")).error().code(), Code::kUnimplemented);
  EXPECT_FALSE(key_from_jwk_json(ec(x + "=", y)).ok());  // padded
  for (const char* bad : {
           "",
           "[]",
           "{}",
           R"({"kty":5})",
           R"({"kty":"RSA"})",
           R"({"kty":"RSA","n":"AQAB"})",
           R"({"kty":"RSA","n":"","e":"AQAB"})",
           R"({"kty":"oct"})",
           R"({"kty":"oct","k":""})",
           R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"})",
           R"({"kty":"oct","k":"c2VjcmV0","alg":"RS256"})",  // alg does not fit the key
           R"({"kty":"oct","k":"c2VjcmV0","kid":7})",
       }) {
    EXPECT_FALSE(key_from_jwk_json(bad).ok()) << bad;
  }
  EXPECT_EQ(key_from_jwk_json(R"({"kty":"OKP","crv":"X25519","x":"AAAA"})").error().code(),
            Code::kUnimplemented);
  // Ed25519 "d" that does not belong to "x".
  json::value ed = json::parse(testing::kEd25519Jwk);
  ed.as_object()["x"] = base64url_encode(std::string(32, '\x01'));
  EXPECT_FALSE(key_from_jwk(ed.as_object()).ok());
}

TEST(Jwks, SkipsUnsupportedButKeepsTheRest) {
  std::string doc = R"({"keys":[
    {"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo","kid":"x"},
    {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
     "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"good","use":"sig"},
    "not an object",
    {"kty":"dragon","kid":"d"}]})";
  auto parsed = parse_jwks_json(doc);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->keys.size(), 1u);
  EXPECT_NE(parsed->keys.find("good"), nullptr);
  ASSERT_EQ(parsed->skipped.size(), 3u);
  EXPECT_EQ(parsed->skipped[0].kid, "x");
  EXPECT_EQ(parsed->skipped[1].index, 2u);
  EXPECT_EQ(parsed->skipped[2].kid, "d");
}

TEST(Jwks, DocumentErrors) {
  for (const char* bad : {"", "null", "[]", "{}", R"({"keys":{}})", "{\"keys\":[\"\xff\"]}"}) {
    EXPECT_FALSE(parse_jwks_json(bad).ok()) << bad;
  }
  std::string many = R"({"keys":[)";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + "{}";
  }
  EXPECT_FALSE(parse_jwks_json(many + "]}").ok());
}

TEST(Jwks, PublishesPublicKeysOnly) {
  KeySet set;
  Key ec = testing::cached_key(KeySpec::kEcP256);
  ec.set_kid("ec");
  Key secret = testing::cached_key(KeySpec::kHmac256);
  secret.set_kid("hmac");
  set.add(ec);
  set.add(secret);
  json::object doc = set.to_public_jwks();
  ASSERT_EQ(doc.at("keys").as_array().size(), 1u);
  std::string text = json::serialize(doc);
  EXPECT_EQ(text.find("\"d\""), std::string::npos);
  EXPECT_EQ(text.find("\"k\""), std::string::npos);
  auto back = parse_jwks_json(text);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->keys.find("ec")->same_material(ec));
}

}  // namespace
}  // namespace dts::jwt
