#include "identity/signing_keys.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "jwt/jws.hpp"
#include "jwt/key_set.hpp"

namespace dts::identity {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(seconds(1'800'000'000));

// RSA generation is the slow part (~50 ms); the tests share a few keys.
const jwt::Key& test_key(int i) {
  static std::vector<jwt::Key> keys = [] {
    std::vector<jwt::Key> v;
    for (int n = 0; n < 3; ++n) {
      v.push_back(generate_signing_key().value());
    }
    return v;
  }();
  return keys.at(i);
}

jwt::Verifier verifier() {
  jwt::VerifierOptions o;
  o.algorithms = {jwt::Alg::kRS256};
  o.issuers = {"https://issuer"};
  o.allow_any_audience = true;
  return jwt::Verifier::create(o).value();
}

std::string token_signed_by(const jwt::Key& key, TimePoint now) {
  int64_t iat = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
  return jwt::sign_jwt(jwt::Alg::kRS256, key,
                       {{"iss", "https://issuer"}, {"sub", "u"}, {"iat", iat}, {"exp", iat + 3600}})
      .value();
}

TEST(SigningKeys, GeneratedKeyShape) {
  const jwt::Key& k = test_key(0);
  EXPECT_EQ(k.type(), jwt::KeyType::kRsa);
  EXPECT_EQ(k.bits(), 2048);
  EXPECT_TRUE(k.has_private());
  EXPECT_EQ(k.alg(), jwt::Alg::kRS256);
  EXPECT_EQ(k.use(), "sig");
  EXPECT_EQ(k.kid().size(), 43u);  // base64url SHA-256 thumbprint
  EXPECT_NE(test_key(0).kid(), test_key(1).kid());
}

TEST(SigningKeys, FirstRunCreatesAKey) {
  std::vector<SigningKey> keys;
  RotationPlan plan = plan_rotation(keys, kT0, {}, false);
  EXPECT_TRUE(plan.create);
  EXPECT_TRUE(plan.supersede.empty());
  apply_rotation(keys, plan, kT0, test_key(0));
  KeyRing ring(keys);
  ASSERT_NE(ring.active(kT0), nullptr);
  EXPECT_EQ(ring.active(kT0)->key.kid(), test_key(0).kid());
  // Nothing to do until rotate_after.
  EXPECT_FALSE(plan_rotation(keys, kT0 + hours(24 * 29), {}, false).create);
}

TEST(SigningKeys, RotationOverlapPublishesBothAndOldStillVerifies) {
  RotationPolicy policy{.rotate_after = hours(24 * 30), .overlap = hours(48)};
  std::vector<SigningKey> keys{{test_key(0), kT0, kT0, std::nullopt}};
  std::string old_token = token_signed_by(test_key(0), kT0 + hours(24 * 30) - seconds(10));

  TimePoint t1 = kT0 + hours(24 * 30);
  RotationPlan plan = plan_rotation(keys, t1, policy, false);
  ASSERT_TRUE(plan.create);
  EXPECT_EQ(plan.supersede, test_key(0).kid());
  EXPECT_EQ(plan.supersede_retires_at, t1 + hours(48));
  apply_rotation(keys, plan, t1, test_key(1));
  KeyRing ring(keys);

  // During the overlap: the new key signs, both are in the JWKS, the old token verifies.
  TimePoint during = t1 + seconds(60);
  EXPECT_EQ(ring.active(during)->key.kid(), test_key(1).kid());
  jwt::KeySet pub = ring.published(during);
  ASSERT_EQ(pub.size(), 2u);
  EXPECT_NE(pub.find(test_key(0).kid()), nullptr);
  EXPECT_NE(pub.find(test_key(1).kid()), nullptr);
  for (const jwt::Key& k : pub.keys()) {
    EXPECT_FALSE(k.has_private()) << "JWKS must not carry private parts";
  }
  auto doc = boost::json::parse(ring.jwks_json(during)).as_object();
  ASSERT_EQ(doc.at("keys").as_array().size(), 2u);
  for (const auto& k : doc.at("keys").as_array()) {
    EXPECT_FALSE(k.as_object().contains("d"));
    EXPECT_EQ(k.as_object().at("alg"), "RS256");
    EXPECT_EQ(k.as_object().at("use"), "sig");
  }
  jwt::Verifier v = verifier();
  EXPECT_TRUE(ring.verify(old_token, v, during).ok());
  EXPECT_TRUE(ring.verify(token_signed_by(test_key(1), during), v, during).ok());

  // After the overlap: the old key is gone from the JWKS and its tokens no longer verify
  // (even a token that would otherwise be unexpired).
  TimePoint after = t1 + hours(48) + seconds(1);
  EXPECT_EQ(ring.published(after).size(), 1u);
  std::string late_old = token_signed_by(test_key(0), after - seconds(5));
  jwt::Check failed = jwt::Check::kNone;
  EXPECT_FALSE(ring.verify(late_old, v, after, &failed).ok());
  EXPECT_EQ(failed, jwt::Check::kKey);
  EXPECT_EQ(ring.active(after)->key.kid(), test_key(1).kid());
}

TEST(SigningKeys, ForcedRotationAndUnknownKeys) {
  std::vector<SigningKey> keys{{test_key(0), kT0, kT0, std::nullopt}};
  RotationPolicy policy{.rotate_after = hours(24 * 30), .overlap = seconds(300)};
  RotationPlan plan = plan_rotation(keys, kT0 + seconds(5), policy, true);
  ASSERT_TRUE(plan.create);
  apply_rotation(keys, plan, kT0 + seconds(5), test_key(1));
  // Rotating again right away supersedes the second key; three keys overlap.
  plan = plan_rotation(keys, kT0 + seconds(6), policy, true);
  apply_rotation(keys, plan, kT0 + seconds(6), test_key(2));
  KeyRing ring(keys);
  EXPECT_EQ(ring.active(kT0 + seconds(7))->key.kid(), test_key(2).kid());
  EXPECT_EQ(ring.published(kT0 + seconds(7)).size(), 3u);
  EXPECT_EQ(ring.published(kT0 + seconds(400)).size(), 1u);

  // A token from a key the ring never had fails on the key check, not on anything else.
  auto stranger = generate_signing_key().value();
  jwt::Check failed = jwt::Check::kNone;
  EXPECT_FALSE(ring.verify(token_signed_by(stranger, kT0 + seconds(7)), verifier(),
                           kT0 + seconds(7), &failed)
                   .ok());
  EXPECT_EQ(failed, jwt::Check::kKey);
}

TEST(SigningKeys, EmptyRingHasNoActiveKey) {
  KeyRing ring;
  EXPECT_EQ(ring.active(kT0), nullptr);
  EXPECT_EQ(ring.jwks_json(kT0), "{\"keys\":[]}");
}

TEST(SigningKeys, RetiredKeyNeverSigns) {
  std::vector<SigningKey> keys{{test_key(0), kT0, kT0, kT0 + seconds(10)}};
  KeyRing ring(keys);
  EXPECT_NE(ring.active(kT0 + seconds(9)), nullptr);
  EXPECT_EQ(ring.active(kT0 + seconds(10)), nullptr);
  EXPECT_TRUE(plan_rotation(keys, kT0 + seconds(10), {}, false).create);
}

}  // namespace
}  // namespace dts::identity
