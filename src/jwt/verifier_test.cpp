#include "jwt/verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <thread>

#include "jwt/base64.hpp"
#include "jwt/jwk.hpp"
#include "jwt/jws.hpp"
#include "jwt/test_support.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool";
constexpr const char* kClient = "client-abc";
constexpr int64_t kNow = 1'800'000'000;

SystemTime at(int64_t seconds) { return SystemTime(std::chrono::seconds(seconds)); }

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rsa_ = testing::key_for(Alg::kRS256);
    rsa_.set_kid("rsa1");
    ec_ = testing::key_for(Alg::kES256);
    ec_.set_kid("ec1");
    keys_.add(rsa_.public_key().value());
    keys_.add(ec_.public_key().value());
    options_.issuers = {kIssuer};
    options_.audiences = {kClient};
  }

  json::object claims() const {
    return {{"iss", kIssuer},     {"sub", "user-1"},  {"aud", kClient},
            {"exp", kNow + 3600}, {"iat", kNow - 10}, {"token_use", "id"}};
  }

  std::string sign(Alg alg, const Key& key, const json::object& c,
                   const json::object& extra_header = {}) const {
    return sign_jwt(alg, key, c, extra_header).value();
  }

  // Verifies and asserts the failing check and the message naming it.
  void expect_rejected(const std::string& token, Check expected,
                       const VerifierOptions* options = nullptr) {
    Verifier v = Verifier::create(options ? *options : options_).value();
    Check failed = Check::kNone;
    auto r = v.verify(token, keys_, at(kNow), &failed);
    ASSERT_FALSE(r.ok()) << "accepted, expected " << check_name(expected);
    EXPECT_EQ(failed, expected) << r.error().message();
    EXPECT_EQ(r.error().code(), Code::kUnauthenticated);
    EXPECT_EQ(r.error().message().rfind("jwt " + std::string(check_name(expected)) + ": ", 0), 0u)
        << r.error().message();
  }

  Result<VerifiedToken> verify(const std::string& token) {
    return Verifier::create(options_).value().verify(token, keys_, at(kNow));
  }

  Key rsa_ = testing::key_for(Alg::kRS256);
  Key ec_ = testing::key_for(Alg::kES256);
  KeySet keys_;
  VerifierOptions options_;
};

TEST_F(VerifierTest, AcceptsValidTokens) {
  for (auto [alg, key] : {std::pair{Alg::kRS256, &rsa_}, std::pair{Alg::kES256, &ec_}}) {
    auto r = verify(sign(alg, *key, claims()));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->alg, alg);
    EXPECT_EQ(r->kid, key->kid());
    EXPECT_EQ(r->claim_string("sub"), "user-1");
  }
}

TEST_F(VerifierTest, OptionsMustBeExplicit) {
  EXPECT_FALSE(Verifier::create({}).ok());  // no issuers/audiences
  VerifierOptions o = options_;
  o.algorithms.clear();
  EXPECT_FALSE(Verifier::create(o).ok());
  o = options_;
  o.clock_skew = -1s;
  EXPECT_FALSE(Verifier::create(o).ok());
}

TEST_F(VerifierTest, RejectsAlgNone) {
  std::string token = base64url_encode(R"({"alg":"none","kid":"rsa1"})") + "." +
                      base64url_encode(json::serialize(claims())) + ".";
  expect_rejected(token, Check::kAlgorithm);
}

TEST_F(VerifierTest, RejectsAlgNotOnAllowList) {
  expect_rejected(sign(Alg::kRS512, rsa_, claims()), Check::kAlgorithm);
  expect_rejected(sign(Alg::kPS256, rsa_, claims()), Check::kAlgorithm);
  Key secret = Key::from_secret("0123456789abcdef0123456789abcdef");
  secret.set_kid("rsa1");
  expect_rejected(sign(Alg::kHS256, secret, claims()), Check::kAlgorithm);
}

TEST_F(VerifierTest, RejectsHs256KeyedWithTheRsaPublicKey) {
  // The classic confusion: the attacker uses the public PEM (or its JWK) as the HMAC secret.
  VerifierOptions o = options_;
  o.algorithms = {Alg::kRS256, Alg::kHS256};  // even if HS256 were (wrongly) allowed
  for (const std::string& secret :
       {rsa_.to_public_pem().value(),
        json::serialize(key_to_public_jwk(rsa_.public_key().value()).value())}) {
    Key forged = Key::from_secret(secret);
    forged.set_kid("rsa1");
    expect_rejected(sign(Alg::kHS256, forged, claims()), Check::kKey, &o);
  }
  // ES256 claimed for an RSA kid is a mismatch too.
  Key ec_as_rsa = ec_;
  ec_as_rsa.set_kid("rsa1");
  expect_rejected(sign(Alg::kES256, ec_as_rsa, claims()), Check::kKey);
}

TEST_F(VerifierTest, RejectsUnknownOrMissingKid) {
  Key other = rsa_;
  other.set_kid("rsa2");
  expect_rejected(sign(Alg::kRS256, other, claims()), Check::kKey);
  Key anonymous = rsa_;
  anonymous.set_kid("");
  expect_rejected(sign(Alg::kRS256, anonymous, claims()), Check::kKey);  // 2 keys in the set
  // With a single key in the set a kid-less token is fine.
  KeySet one;
  one.add(rsa_.public_key().value());
  auto r = Verifier::create(options_).value().verify(sign(Alg::kRS256, anonymous, claims()), one,
                                                     at(kNow));
  EXPECT_TRUE(r.ok()) << r.error().to_string();
}

TEST_F(VerifierTest, KidIsAnOpaqueExactMatch) {
  for (const char* kid : {"../../../dev/null", "rsa1/../rsa1", "RSA1", "rsa1 ", "' OR '1'='1",
                          "file:///etc/passwd", "rsa"}) {
    Key k = rsa_;
    k.set_kid(kid);
    expect_rejected(sign(Alg::kRS256, k, claims()), Check::kKey);
  }
  Key k = rsa_;
  k.set_kid(std::string("rsa1\0x", 6));
  expect_rejected(sign(Alg::kRS256, k, claims()), Check::kKey);
  expect_rejected(sign(Alg::kRS256, rsa_, claims(), {{"kid", 7}}), Check::kKey);
}

TEST_F(VerifierTest, IgnoresKeyPointingHeaders) {
  // An attacker's own key announced through jwk/jku/x5u/x5c is never used.
  Key attacker = Key::generate(KeySpec::kEcP256).value();
  attacker.set_kid("evil");
  json::object header{{"jwk", key_to_public_jwk(attacker.public_key().value()).value()},
                      {"jku", "https://evil.example/jwks.json"},
                      {"x5u", "https://evil.example/cert.pem"}};
  expect_rejected(sign(Alg::kES256, attacker, claims(), header), Check::kKey);
  // Same kid as a trusted key, attacker's signature: the trusted key decides.
  attacker.set_kid("ec1");
  expect_rejected(sign(Alg::kES256, attacker, claims(), header), Check::kSignature);
  // A genuine token carrying those headers is still accepted (they are just ignored).
  EXPECT_TRUE(verify(sign(Alg::kES256, ec_, claims(), header)).ok());
}

TEST_F(VerifierTest, TimeClaims) {
  auto with = [&](std::string_view name, json::value v) {
    json::object c = claims();
    c[name] = std::move(v);
    return sign(Alg::kES256, ec_, c);
  };
  expect_rejected(with("exp", kNow - 61), Check::kExpired);
  expect_rejected(with("exp", kNow - 60), Check::kExpired);  // now >= exp + skew
  EXPECT_TRUE(verify(with("exp", kNow - 59)).ok());          // inside the skew
  expect_rejected(with("exp", "tomorrow"), Check::kExpired);
  json::object no_exp = claims();
  no_exp.erase("exp");
  expect_rejected(sign(Alg::kES256, ec_, no_exp), Check::kExpired);
  expect_rejected(with("nbf", kNow + 61), Check::kNotYetValid);
  EXPECT_TRUE(verify(with("nbf", kNow + 59)).ok());
  expect_rejected(with("iat", kNow + 120), Check::kIssuedInFuture);
  EXPECT_TRUE(verify(with("iat", kNow + 30)).ok());
  EXPECT_TRUE(verify(with("exp", 1.8e9 + 10.5)).ok());  // fractional NumericDate
}

TEST_F(VerifierTest, IssuerAudienceAndTokenUse) {
  auto with = [&](std::string_view name, json::value v) {
    json::object c = claims();
    if (v.is_null()) {
      c.erase(name);
    } else {
      c[name] = std::move(v);
    }
    return sign(Alg::kES256, ec_, c);
  };
  expect_rejected(with("iss", "https://evil.example"), Check::kIssuer);
  expect_rejected(with("iss", nullptr), Check::kIssuer);
  expect_rejected(with("aud", "other-client"), Check::kAudience);
  expect_rejected(with("aud", json::array{"a", "b"}), Check::kAudience);
  EXPECT_TRUE(verify(with("aud", json::array{"a", kClient})).ok());
  expect_rejected(with("aud", nullptr), Check::kAudience);
  expect_rejected(with("aud", 5), Check::kAudience);

  // Cognito access token: no aud, client_id instead, token_use "access".
  json::object access = claims();
  access.erase("aud");
  access["client_id"] = kClient;
  access["token_use"] = "access";
  VerifierOptions o = options_;
  o.token_uses = {"access"};
  Verifier v = Verifier::create(o).value();
  EXPECT_TRUE(v.verify(sign(Alg::kES256, ec_, access), keys_, at(kNow)).ok());
  access["client_id"] = "someone-else";
  expect_rejected(sign(Alg::kES256, ec_, access), Check::kAudience, &o);
  expect_rejected(sign(Alg::kES256, ec_, claims()), Check::kTokenUse, &o);  // an id token
  json::object no_use = claims();
  no_use.erase("token_use");
  expect_rejected(sign(Alg::kES256, ec_, no_use), Check::kTokenUse, &o);
}

TEST_F(VerifierTest, RejectsTamperingAndTruncation) {
  std::string token = sign(Alg::kRS256, rsa_, claims());
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  json::object evil = claims();
  evil["sub"] = "admin";
  std::string tampered =
      token.substr(0, first + 1) + base64url_encode(json::serialize(evil)) + token.substr(second);
  expect_rejected(tampered, Check::kSignature);
  // Truncated signature: one byte short (re-encoded), and cut mid-character (bad base64url).
  std::string sig = base64url_decode(token.substr(second + 1)).value();
  expect_rejected(token.substr(0, second + 1) + base64url_encode(sig.substr(0, sig.size() - 1)),
                  Check::kSignature);
  expect_rejected(token.substr(0, token.size() - 1), Check::kFormat);  // length 1 mod 4
  expect_rejected(token.substr(0, second + 1), Check::kSignature);     // signature stripped
  // Header swapped to another allowed alg: the RSA key no longer fits.
  std::string es_header = base64url_encode(R"({"alg":"ES256","kid":"rsa1"})");
  expect_rejected(es_header + token.substr(first), Check::kKey);
}

TEST_F(VerifierTest, RejectsUnknownCrit) {
  expect_rejected(sign(Alg::kES256, ec_, claims(), {{"crit", json::array{"b64"}}, {"b64", false}}),
                  Check::kCrit);
  VerifierOptions o = options_;
  o.understood_crit = {"tenant"};
  Verifier v = Verifier::create(o).value();
  std::string token =
      sign(Alg::kES256, ec_, claims(), {{"crit", json::array{"tenant"}}, {"tenant", "t1"}});
  EXPECT_TRUE(v.verify(token, keys_, at(kNow)).ok());
}

TEST_F(VerifierTest, RejectsMalformedAndOversizedTokens) {
  expect_rejected("", Check::kFormat);
  expect_rejected("not a token", Check::kFormat);
  expect_rejected("a.b.c", Check::kFormat);
  expect_rejected(base64url_encode(R"({"alg":"ES256")") + ".e30.c2ln", Check::kFormat);
  expect_rejected(
      base64url_encode(R"({"alg":"ES256"})") + "." + base64url_encode("[1,2]") + ".c2ln",
      Check::kFormat);
  expect_rejected(
      base64url_encode(R"({"alg":"ES256"})") + "." + base64url_encode("{\"a\":\"\xc3\"}") + ".c2ln",
      Check::kFormat);
  expect_rejected(std::string(1 << 20, 'a'), Check::kSize);
  json::object big = claims();
  big["pad"] = std::string(9000, 'x');
  expect_rejected(sign(Alg::kES256, ec_, big), Check::kSize);
}

TEST_F(VerifierTest, SharedAcrossThreads) {
  Verifier v = Verifier::create(options_).value();
  std::string rs = sign(Alg::kRS256, rsa_, claims());
  std::string es = sign(Alg::kES256, ec_, claims());
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 25; ++j) {
        accepted += v.verify(j % 2 ? rs : es, keys_, at(kNow)).ok() ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(accepted.load(), 100);
}

TEST_F(VerifierTest, KeyCacheSelectsKeysByTrustedIssuer) {
  constexpr const char* kOther = "https://other.example";
  KeyCache cache;
  KeySet other_keys;
  Key other = Key::generate(KeySpec::kEcP256).value();
  other.set_kid("ec1");  // same kid as the first issuer's key, different material
  other_keys.add(other.public_key().value());
  cache.put(kIssuer, keys_, std::chrono::steady_clock::now());
  cache.put(kOther, other_keys, std::chrono::steady_clock::now());
  VerifierOptions o = options_;
  o.issuers = {kIssuer, kOther};
  Verifier v = Verifier::create(o).value();
  EXPECT_TRUE(v.verify(sign(Alg::kES256, ec_, claims()), cache, at(kNow)).ok());
  json::object c = claims();
  c["iss"] = kOther;
  EXPECT_TRUE(v.verify(sign(Alg::kES256, other, c), cache, at(kNow)).ok());
  // Issuer A's key cannot vouch for issuer B's name.
  Check failed = Check::kNone;
  EXPECT_FALSE(v.verify(sign(Alg::kES256, ec_, c), cache, at(kNow), &failed).ok());
  EXPECT_EQ(failed, Check::kSignature);
  c["iss"] = "https://unknown.example";
  EXPECT_FALSE(v.verify(sign(Alg::kES256, ec_, c), cache, at(kNow), &failed).ok());
  EXPECT_EQ(failed, Check::kIssuer);
  // A trusted issuer whose keys are not loaded yet: kKey, so the caller fetches.
  KeyCache empty;
  EXPECT_FALSE(v.verify(sign(Alg::kES256, ec_, claims()), empty, at(kNow), &failed).ok());
  EXPECT_EQ(failed, Check::kKey);
}

}  // namespace
}  // namespace dts::jwt
