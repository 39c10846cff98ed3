#include "common/internal_auth.hpp"

#include <gtest/gtest.h>

namespace dts::internal_auth {
namespace {

using namespace std::chrono_literals;

const std::string kKey(40, 'k');

SignedFields sample() {
  SignedFields f;
  f.method = "GET";
  f.path = "/api/core/datasets/42";
  f.principal = "user-1";
  f.tenant = "acme";
  f.groups = "tenant:acme:admin";
  f.request_id = "0123456789abcdef0123456789abcdef";
  return f;
}

SystemTime at(int64_t s) { return SystemTime(std::chrono::seconds(s)); }

TEST(InternalAuth, RejectsShortKey) {
  EXPECT_FALSE(InternalSigner::create(std::string(31, 'x')).ok());
  EXPECT_TRUE(InternalSigner::create(std::string(32, 'x')).ok());
}

TEST(InternalAuth, SignVerifyRoundTrip) {
  auto signer = InternalSigner::create(kKey).value();
  auto sig = signer.sign(sample(), at(1'700'000'000)).value();
  EXPECT_EQ(sig.substr(0, 13), "t=1700000000,");
  EXPECT_EQ(sig.size(), std::string("t=1700000000,v1=").size() + 64);
  EXPECT_TRUE(signer.verify(sample(), sig, at(1'700'000'000)).ok());
  EXPECT_TRUE(signer.verify(sample(), sig, at(1'700'000'059)).ok());
}

TEST(InternalAuth, EveryFieldIsCovered) {
  auto signer = InternalSigner::create(kKey).value();
  auto sig = signer.sign(sample(), at(1'700'000'000)).value();
  auto now = at(1'700'000'001);
  std::vector<SignedFields> tampered(6, sample());
  tampered[0].method = "DELETE";
  tampered[1].path = "/api/core/datasets/43";
  tampered[2].principal = "user-2";
  tampered[3].tenant = "other";
  tampered[4].groups = "tenant:acme:admin,tenant:other:admin";
  tampered[5].request_id = "ffffffffffffffffffffffffffffffff";
  for (size_t i = 0; i < tampered.size(); ++i) {
    auto st = signer.verify(tampered[i], sig, now);
    ASSERT_FALSE(st.ok()) << "field " << i;
    EXPECT_EQ(st.error().code(), Code::kUnauthenticated);
  }
}

TEST(InternalAuth, FieldBoundariesCannotShift) {
  // "ab"+"c" and "a"+"bc" must not collide.
  auto signer = InternalSigner::create(kKey).value();
  SignedFields a = sample();
  a.principal = "ab";
  a.tenant = "c";
  SignedFields b = sample();
  b.principal = "a";
  b.tenant = "bc";
  auto sig = signer.sign(a, at(100)).value();
  EXPECT_FALSE(signer.verify(b, sig, at(100)).ok());
  SignedFields nl = sample();
  nl.principal = "a\nb";
  EXPECT_FALSE(signer.sign(nl, at(100)).ok());
  EXPECT_FALSE(signer.verify(nl, sig, at(100)).ok());
}

TEST(InternalAuth, ReplayWindowBothDirections) {
  auto signer = InternalSigner::create(kKey).value();
  auto sig = signer.sign(sample(), at(1'000'000)).value();
  EXPECT_TRUE(signer.verify(sample(), sig, at(1'000'030), 30s).ok());
  EXPECT_FALSE(signer.verify(sample(), sig, at(1'000'031), 30s).ok()) << "too old";
  EXPECT_TRUE(signer.verify(sample(), sig, at(999'970), 30s).ok());
  EXPECT_FALSE(signer.verify(sample(), sig, at(999'969), 30s).ok()) << "from the future";
}

TEST(InternalAuth, TimestampIsCoveredByTheMac) {
  // Moving t forward to extend the replay window must break the MAC.
  auto signer = InternalSigner::create(kKey).value();
  auto sig = signer.sign(sample(), at(1'000'000)).value();
  std::string moved = "t=1000100" + sig.substr(sig.find(','));
  EXPECT_FALSE(signer.verify(sample(), moved, at(1'000'100)).ok());
}

TEST(InternalAuth, WrongKeyAndMalformedHeaders) {
  auto signer = InternalSigner::create(kKey).value();
  auto other = InternalSigner::create(std::string(40, 'o')).value();
  auto sig = signer.sign(sample(), at(500)).value();
  EXPECT_FALSE(other.verify(sample(), sig, at(500)).ok());
  std::string flipped = sig;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(signer.verify(sample(), flipped, at(500)).ok());
  for (std::string bad :
       {std::string(), std::string("garbage"), std::string("t=,v1=") + std::string(64, 'a'),
        std::string("t=500,v1=") + std::string(63, 'a'), std::string("t=500;v1=abc"),
        std::string("t=-5,v1=") + std::string(64, 'a'),
        std::string("t=500,v2=") + std::string(64, 'a'), sig + "0", std::string(4096, 't')}) {
    auto st = signer.verify(sample(), bad, at(500));
    EXPECT_FALSE(st.ok()) << bad;
  }
}

TEST(InternalAuth, VerifiesAServiceRequest) {
  auto signer = InternalSigner::create(kKey).value();
  http::Request req;
  req.method = "GET";
  req.path = "/api/core/datasets/42";
  req.headers.set(kPrincipalHeader, "user-1");
  req.headers.set(kTenantHeader, "acme");
  req.headers.set(kGroupsHeader, "tenant:acme:admin");
  req.headers.set(kRequestIdHeader, "0123456789abcdef0123456789abcdef");
  req.headers.set(kSignatureHeader, signer.sign(sample(), at(10'000)).value());
  EXPECT_TRUE(signer.verify_request(req, at(10'001)).ok());
  req.headers.set(kTenantHeader, "evil");
  EXPECT_FALSE(signer.verify_request(req, at(10'001)).ok());
  req.headers.set(kTenantHeader, "acme");
  req.headers.remove(kSignatureHeader);
  EXPECT_FALSE(signer.verify_request(req, at(10'001)).ok());
}

TEST(InternalAuth, GroupsRoundTrip) {
  std::vector<std::string> groups = {"tenant:acme:admin", "a,b", "50%", "x y", "\xc3\xa9", "n\nl"};
  std::string header = encode_groups(groups);
  EXPECT_EQ(header, "tenant:acme:admin,a%2Cb,50%25,x%20y,%C3%A9,n%0Al");
  auto back = decode_groups(header);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, groups);
  EXPECT_TRUE(decode_groups("")->empty());
  EXPECT_FALSE(decode_groups("a,,b").has_value());
  EXPECT_FALSE(decode_groups("bad%zz").has_value());
  EXPECT_FALSE(decode_groups("a,").has_value());
}

TEST(InternalAuth, AuthenticateGivesTheCaller) {
  auto signer = InternalSigner::create(kKey).value();
  std::string groups = encode_groups({"tenant:acme:admin", "tenant:acme:billing",
                                      "tenant:globex:viewer", "tenant:acme:x:y", "staff"});
  SignedFields f = sample();
  f.groups = groups;
  http::Request req;
  req.method = "GET";
  req.path = std::string(f.path);
  req.headers.set(kPrincipalHeader, f.principal);
  req.headers.set(kTenantHeader, f.tenant);
  req.headers.set(kGroupsHeader, groups);
  req.headers.set(kRequestIdHeader, f.request_id);
  req.headers.set(kSignatureHeader, signer.sign(f, at(10'000)).value());
  auto caller = signer.authenticate(req, at(10'000));
  ASSERT_TRUE(caller.ok()) << caller.error().to_string();
  EXPECT_EQ(caller->principal, "user-1");
  EXPECT_EQ(caller->tenant, "acme");
  EXPECT_EQ(caller->groups.size(), 5u);
  EXPECT_EQ(caller->tenant_roles(), (std::vector<std::string>{"admin", "billing"}));
  EXPECT_FALSE(signer.authenticate(req, at(20'000)).ok()) << "stale";
  req.headers.set(kGroupsHeader, "tenant:acme:admin");
  EXPECT_FALSE(signer.authenticate(req, at(10'000)).ok()) << "groups changed";
}

TEST(InternalAuth, FromEnv) {
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{}));
    auto s = signer_from_env(r);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.error().code(), Code::kNotFound);
    EXPECT_TRUE(r.finish().ok());
  }
  {
    config::Reader r(
        config::Env(std::map<std::string, std::string>{{"DTS_INTERNAL_KEY", "short"}}));
    EXPECT_FALSE(signer_from_env(r).ok());
    auto st = r.finish();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message().find("short"), std::string::npos) << "key leaked";
  }
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{{"DTS_INTERNAL_KEY", kKey}}));
    EXPECT_TRUE(signer_from_env(r).ok());
  }
}

}  // namespace
}  // namespace dts::internal_auth
