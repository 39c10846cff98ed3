// The JWT attack suite against the enforcement point: real keys, a real JWKS served over
// HTTP, the real platform policy. Every forged, stale or misdirected token must be refused
// with 401 and a Bearer error="invalid_token" challenge, and must never reach the policy.

#include <gtest/gtest.h>

#include "gateway/pep/test_support.hpp"
#include "jwt/base64.hpp"

namespace dts::gateway::pep {
namespace {

using namespace testing;

const std::vector<std::string> kAdmin = {"tenant:acme:admin"};

class JwtAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    enforcer_ =
        Enforcer::create(idp_.config(bundle_.path()), ioc_.get_executor(), &registry_).value();
  }

  Decision with_token(const std::string& token) {
    Req r;
    r.bearer(token);
    return enforce(ioc_, *enforcer_, r);
  }

  void expect_invalid_token(const std::string& token, const std::string& what) {
    Decision d = with_token(token);
    EXPECT_FALSE(d.allow) << what;
    EXPECT_EQ(d.status, 401) << what;
    EXPECT_EQ(d.reason, "invalid_token") << what;
    EXPECT_NE(d.www_authenticate.find("Bearer realm=\"dts\", error=\"invalid_token\""),
              std::string::npos)
        << what << ": " << d.www_authenticate;
    EXPECT_TRUE(d.upstream_headers.empty()) << what;
  }

  std::string payload_b64(const json::object& claims) {
    return jwt::base64url_encode(json::serialize(claims));
  }

  double metric(const std::string& needle) {
    std::string text = registry_.render();
    auto pos = text.find("\n" + needle + " ");  // a sample line, not "# HELP name ..."
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + needle.size() + 2));
  }

  asio::io_context ioc_;
  Idp idp_;
  AuthenticatedOnlyBundle bundle_;
  metrics::Registry registry_;
  std::unique_ptr<Enforcer> enforcer_;
};

TEST_F(JwtAttack, ValidTokensAreAccepted) {
  Decision rs = with_token(idp_.token_for(kAdmin));
  EXPECT_TRUE(rs.allow) << rs.status << " " << rs.detail;
  EXPECT_EQ(header_of(rs, "X-Dts-Principal"), "user-1");
  EXPECT_EQ(header_of(rs, "X-Dts-Tenant"), "acme");
  EXPECT_EQ(header_of(rs, "X-Dts-Groups"), "tenant:acme:admin");
  Decision es = with_token(idp_.token(idp_.access_claims(kAdmin), jwt::Alg::kES256));
  EXPECT_TRUE(es.allow) << es.status << " " << es.detail;
}

TEST_F(JwtAttack, AlgNone) {
  std::string header = jwt::base64url_encode(R"({"alg":"none","typ":"JWT","kid":"rsa-1"})");
  std::string body = payload_b64(idp_.access_claims(kAdmin));
  expect_invalid_token(header + "." + body + ".", "alg none, empty signature");
  std::string upper = jwt::base64url_encode(R"({"alg":"None","kid":"rsa-1"})");
  expect_invalid_token(upper + "." + body + ".", "alg None");
  // A real signature does not rescue a "none" header.
  std::string valid = idp_.token_for(kAdmin);
  std::string sig = valid.substr(valid.rfind('.'));
  expect_invalid_token(header + "." + body + sig, "alg none with a signature");
}

TEST_F(JwtAttack, Hs256SignedWithTheRsaPublicKey) {
  // The classic key-confusion attack: HMAC keyed with the published RSA public key.
  std::string pem = rsa_key().public_key().value().to_public_pem().value();
  jwt::Key hmac = jwt::Key::from_secret(pem);
  std::string payload = json::serialize(idp_.access_claims(kAdmin));
  std::string forged =
      jwt::sign_compact_raw(R"({"alg":"HS256","typ":"JWT","kid":"rsa-1"})", payload, hmac).value();
  expect_invalid_token(forged, "HS256 with the RSA public key as secret");
  // Also with the JWK's modulus bytes as the secret.
  jwt::Key hmac2 = jwt::Key::from_secret(jwt::base64url_encode(pem));
  forged = jwt::sign_compact_raw(R"({"alg":"HS256","kid":"rsa-1"})", payload, hmac2).value();
  expect_invalid_token(forged, "HS256 with an encoding of the public key");
}

TEST_F(JwtAttack, UnknownKidIsRefusedAndRefetchIsRateLimited) {
  std::string payload = json::serialize(idp_.access_claims(kAdmin));
  std::string forged =
      jwt::sign_compact_raw(R"({"alg":"RS256","kid":"nobody"})", payload, attacker_key()).value();
  expect_invalid_token(forged, "unknown kid (first: fetch)");
  int after_first = idp_.fetches();
  EXPECT_GE(after_first, 1);
  for (int i = 0; i < 20; ++i) {
    std::string kid = "nobody-" + std::to_string(i);
    std::string t =
        jwt::sign_compact_raw(R"({"alg":"RS256","kid":")" + kid + "\"}", payload, attacker_key())
            .value();
    expect_invalid_token(t, "unknown kid " + kid);
  }
  EXPECT_EQ(idp_.fetches(), after_first) << "a flood of unknown kids must not refetch the JWKS";
}

TEST_F(JwtAttack, RealKeyUnderUnknownKidIsRefused) {
  // Signed by the real key, but naming a kid that is not in the JWKS.
  std::string payload = json::serialize(idp_.access_claims(kAdmin));
  std::string t =
      jwt::sign_compact_raw(R"({"alg":"RS256","kid":"rsa-2"})", payload, rsa_key()).value();
  expect_invalid_token(t, "real key, unknown kid");
}

TEST_F(JwtAttack, AbsentKid) {
  std::string payload = json::serialize(idp_.access_claims(kAdmin));
  std::string t =
      jwt::sign_compact_raw(R"({"alg":"RS256","typ":"JWT"})", payload, rsa_key()).value();
  expect_invalid_token(t, "no kid, real key");
  t = jwt::sign_compact_raw(R"({"alg":"RS256","kid":""})", payload, rsa_key()).value();
  expect_invalid_token(t, "empty kid");
  t = jwt::sign_compact_raw(R"({"alg":"RS256","kid":7})", payload, rsa_key()).value();
  expect_invalid_token(t, "numeric kid");
}

TEST_F(JwtAttack, KidPathAndInjectionTricks) {
  std::string payload = json::serialize(idp_.access_claims(kAdmin));
  for (std::string kid :
       std::vector<std::string>{"../../../../../../dev/null", "/etc/passwd", "rsa-1/../rsa-1",
                                "..\\\\rsa-1", "rsa-1%00", "rsa-1\\u0000", "' OR '1'='1",
                                "http://127.0.0.1:1/jwks.json", "rsa-1 ", " rsa-1", "RSA-1"}) {
    std::string header = R"({"alg":"RS256","kid":")" + kid + "\"}";
    expect_invalid_token(jwt::sign_compact_raw(header, payload, attacker_key()).value(),
                         "attacker key, kid " + kid);
    expect_invalid_token(jwt::sign_compact_raw(header, payload, rsa_key()).value(),
                         "real key, kid " + kid);
  }
}

TEST_F(JwtAttack, JkuX5uAndJwkHeadersAreIgnored) {
  // An attacker-run JWKS server: it must never be contacted.
  http::testing::TestServer evil;
  std::atomic<int> evil_hits{0};
  jwt::KeySet evil_keys;
  evil_keys.add(attacker_key().public_key().value());
  json::object evil_jwks = evil_keys.to_public_jwks();
  evil.router().add("GET", "/jwks.json",
                    [&](http::Request&) -> asio::awaitable<Result<http::Response>> {
                      ++evil_hits;
                      co_return http::Response::json(evil_jwks);
                    });
  evil.start();
  std::string evil_url = evil.url("/jwks.json");
  json::object claims = idp_.access_claims(kAdmin);

  json::object jwk_header = evil_keys.to_public_jwks()["keys"].as_array()[0].as_object();
  std::vector<json::object> headers;
  headers.push_back(json::object{{"jku", evil_url}});
  headers.push_back(json::object{{"x5u", evil_url}});
  headers.push_back(json::object{{"jku", evil_url}, {"kid", "attacker-1"}});
  headers.push_back(json::object{{"jwk", jwk_header}});
  headers.push_back(json::object{{"x5c", json::array{"MIIB"}}, {"kid", "attacker-1"}});
  for (const auto& h : headers) {
    json::object header = h;
    header["alg"] = "RS256";
    std::string t =
        jwt::sign_compact_raw(json::serialize(header), json::serialize(claims), attacker_key())
            .value();
    expect_invalid_token(t, "attacker key with " + json::serialize(h));
  }
  EXPECT_EQ(evil_hits.load(), 0) << "jku/x5u must never be fetched";

  // Ignored means ignored: a genuine token that happens to carry jku is fine.
  Decision ok = with_token(idp_.token(claims, jwt::Alg::kRS256, {{"jku", evil_url}}));
  EXPECT_TRUE(ok.allow) << ok.detail;
  EXPECT_EQ(evil_hits.load(), 0);
}

TEST_F(JwtAttack, ExpiredAndNotYetValid) {
  int64_t now = unix_now();
  json::object c = idp_.access_claims(kAdmin);
  c["exp"] = now - 3600;
  expect_invalid_token(idp_.token(c), "expired an hour ago");
  c["exp"] = now - 31;  // beyond the 30 s skew
  expect_invalid_token(idp_.token(c), "expired beyond the skew");
  c = idp_.access_claims(kAdmin);
  c.erase("exp");
  expect_invalid_token(idp_.token(c), "no exp");
  c["exp"] = "9999999999";
  expect_invalid_token(idp_.token(c), "string exp");
  c = idp_.access_claims(kAdmin);
  c["nbf"] = now + 3600;
  expect_invalid_token(idp_.token(c), "not yet valid");
  c = idp_.access_claims(kAdmin);
  c["iat"] = now + 3600;
  expect_invalid_token(idp_.token(c), "issued in the future");
}

TEST_F(JwtAttack, WrongIssuerAudienceOrClient) {
  json::object c = idp_.access_claims(kAdmin);
  c["iss"] = "http://evil.example/pool";
  expect_invalid_token(idp_.token(c), "foreign issuer signed with our key");
  c["iss"] = idp_.issuer() + "/";
  expect_invalid_token(idp_.token(c), "issuer with trailing slash");
  c.erase("iss");
  expect_invalid_token(idp_.token(c), "no issuer");
  c = idp_.access_claims(kAdmin);
  c["client_id"] = "other-client";
  expect_invalid_token(idp_.token(c), "client not allowed");
  c.erase("client_id");
  expect_invalid_token(idp_.token(c), "no client_id");
  c["aud"] = "other-client";
  expect_invalid_token(idp_.token(c), "aud not allowed");
}

TEST_F(JwtAttack, IdTokenUsedAsAccessToken) {
  // Cognito ID token shape: aud = client id, token_use = id, custom attributes.
  json::object c = idp_.access_claims(kAdmin);
  c.erase("client_id");
  c["aud"] = kClientId;
  c["token_use"] = "id";
  c["custom:tenant_id"] = "acme";
  expect_invalid_token(idp_.token(c), "ID token");
  c.erase("token_use");
  expect_invalid_token(idp_.token(c), "no token_use");
}

TEST_F(JwtAttack, TamperedPayload) {
  std::string t = idp_.token_for({"tenant:acme:viewer"});
  auto first = t.find('.');
  auto second = t.rfind('.');
  json::object c = idp_.access_claims({"tenant:acme:admin"});
  std::string forged = t.substr(0, first + 1) + payload_b64(c) + t.substr(second);
  expect_invalid_token(forged, "groups elevated in the payload");
  // One flipped character in the payload.
  std::string flipped = t;
  flipped[first + 5] = flipped[first + 5] == 'A' ? 'B' : 'A';
  expect_invalid_token(flipped, "one payload character changed");
  // The header swapped for ES256 over an RS256 signature.
  std::string es_header = jwt::base64url_encode(R"({"alg":"ES256","kid":"ec-1"})");
  expect_invalid_token(es_header + t.substr(first), "header swapped to ES256");
}

TEST_F(JwtAttack, TruncatedOrMalformedSignature) {
  std::string t = idp_.token_for(kAdmin);
  expect_invalid_token(t.substr(0, t.size() - 10), "truncated signature");
  expect_invalid_token(t.substr(0, t.rfind('.') + 1), "empty signature");
  expect_invalid_token(t.substr(0, t.rfind('.')), "two parts");
  expect_invalid_token(t + ".x.y", "five parts (JWE shape)");
  expect_invalid_token(t + "=", "padding");
  expect_invalid_token("x" + t, "garbage prefix");
}

TEST_F(JwtAttack, UnknownCritHeader) {
  json::object c = idp_.access_claims(kAdmin);
  std::string t =
      idp_.token(c, jwt::Alg::kRS256, {{"crit", json::array{"exp-ext"}}, {"exp-ext", true}});
  expect_invalid_token(t, "unknown crit extension");
  t = idp_.token(c, jwt::Alg::kRS256, {{"crit", json::array{}}});
  expect_invalid_token(t, "empty crit");
}

TEST_F(JwtAttack, MalformedAuthorizationHeaders) {
  std::string t = idp_.token_for(kAdmin);
  for (const std::string& h : std::vector<std::string>{
           "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "Token " + t,
           "Bearer " + std::string(20'000, 'a'), "Bearer " + t + " extra", "bearer\t" + t}) {
    Req r;
    r.headers.set("Authorization", h);
    Decision d = enforce(ioc_, *enforcer_, r);
    EXPECT_EQ(d.status, 401) << h.substr(0, 40);
    EXPECT_NE(d.www_authenticate.find("invalid_token"), std::string::npos) << h.substr(0, 40);
  }
  // The scheme is case-insensitive (RFC 7235).
  Req r;
  r.headers.set("Authorization", "bEaReR " + t);
  EXPECT_TRUE(enforce(ioc_, *enforcer_, r).allow);
}

TEST_F(JwtAttack, UnusableSubjectIsRefused) {
  json::object c = idp_.access_claims(kAdmin);
  c["sub"] = "user\r\nX-Dts-Tenant: evil";
  expect_invalid_token(idp_.token(c), "CRLF in sub");
  c["sub"] = "";
  expect_invalid_token(idp_.token(c), "empty sub");
}

TEST_F(JwtAttack, VerifiedTokensAreCachedAndCounted) {
  std::string t = idp_.token_for(kAdmin);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(with_token(t).allow);
  }
  EXPECT_EQ(metric("gateway_jwt_cache_lookups_total{result=\"hit\"}"), 4);
  EXPECT_EQ(metric("gateway_jwt_cache_lookups_total{result=\"miss\"}"), 1);
  EXPECT_DOUBLE_EQ(metric("gateway_jwt_cache_hit_ratio"), 0.8);
  EXPECT_EQ(metric("gateway_jwt_verifications_total{result=\"ok\"}"), 1);
  expect_invalid_token(t.substr(0, t.size() - 2), "truncated");
  EXPECT_EQ(metric("gateway_pep_rejected_total{reason=\"invalid_token\"}"), 1);
  EXPECT_EQ(metric("gateway_jwt_verifications_total{result=\"signature\"}"), 1);
  EXPECT_EQ(idp_.fetches(), 1) << "one JWKS fetch serves every request";
}

TEST_F(JwtAttack, KeyRotationPicksUpTheNewKid) {
  // No minimum interval between refetches here (the flood test covers that limit).
  EnforcerConfig c = idp_.config(bundle_.path());
  c.jwks_policy.min_refresh_interval = std::chrono::seconds(0);
  enforcer_ = Enforcer::create(c, ioc_.get_executor()).value();
  EXPECT_TRUE(with_token(idp_.token_for(kAdmin)).allow);             // keys cached now
  auto rotated = jwt::Key::generate(jwt::KeySpec::kEcP256).value();  // fast to generate
  rotated.set_kid("ec-2");
  idp_.add_key(rotated);
  std::string t = jwt::sign_jwt(jwt::Alg::kES256, rotated, idp_.access_claims(kAdmin)).value();
  Decision d = with_token(t);
  EXPECT_TRUE(d.allow) << "an unknown kid triggers one JWKS refetch: " << d.detail;
  EXPECT_EQ(idp_.fetches(), 2);
}

TEST_F(JwtAttack, JwksUnreachableRefusesWithoutCrashing) {
  EnforcerConfig c = idp_.config(bundle_.path());
  c.issuers[0].jwks_url = "http://127.0.0.1:1/jwks.json";
  c.jwks_timeout = std::chrono::milliseconds(300);
  auto e = Enforcer::create(c, ioc_.get_executor()).value();
  Req r;
  r.bearer(idp_.token_for(kAdmin));
  Decision d = enforce(ioc_, *e, r);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(run(ioc_, e->warm_up()), 0u);
}

}  // namespace
}  // namespace dts::gateway::pep
