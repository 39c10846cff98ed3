#include "identity/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

#include "common/ids.hpp"
#include "jwt/jws.hpp"

namespace dts::identity {
namespace {

using std::chrono::seconds;

const TimePoint kNow = TimePoint(seconds(1'800'000'000));
const std::string kIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST";

const KeyRing& ring() {
  static KeyRing r({SigningKey{generate_signing_key().value(), kNow, kNow, std::nullopt}});
  return r;
}

TokenUser ada() {
  TokenUser u;
  u.sub = "7d1c8a0e-5f1c-4b7e-9a51-0c1d2e3f4a5b";
  u.username = "ada";
  u.groups = {"admin", "member"};
  u.email = "ada@example.com";
  u.email_verified = true;
  u.attributes = {{"custom:tenant_id", "t-42"}, {"name", "Ada L"}, {"sub", "spoofed"}};
  return u;
}

TokenGrant grant() {
  TokenGrant g;
  g.client_id = "spa-client";
  g.scopes = {"openid", "email", "aws.cognito.signin.user.admin"};
  g.auth_time = 1'799'999'000;
  g.origin_jti = "0f4e4d6a-0000-4000-8000-000000000001";
  return g;
}

std::set<std::string> keys_of(const boost::json::object& o) {
  std::set<std::string> s;
  for (const auto& kv : o) {
    s.insert(std::string(kv.key()));
  }
  return s;
}

jwt::VerifiedToken verify(const std::string& token, std::string_view use) {
  jwt::VerifierOptions o;
  o.algorithms = {jwt::Alg::kRS256};
  o.issuers = {kIssuer};
  o.audiences = {"spa-client", "service-client"};
  o.token_uses = {std::string(use)};
  auto v = ring().verify(token, jwt::Verifier::create(o).value(), kNow + seconds(5));
  EXPECT_TRUE(v.ok()) << v.error().to_string();
  return v.ok() ? *v : jwt::VerifiedToken{};
}

TEST(Tokens, IdTokenHasCognitosClaimSet) {
  TokenMinter minter({.issuer = kIssuer});
  auto minted = minter.mint_user_tokens(ring(), ada(), grant(), true, kNow);
  ASSERT_TRUE(minted.ok()) << minted.error().to_string();
  ASSERT_TRUE(minted->id_token.has_value());
  jwt::VerifiedToken id = verify(*minted->id_token, "id");
  EXPECT_EQ(id.kid, ring().active(kNow)->key.kid());
  EXPECT_EQ(id.header.at("typ"), "JWT");
  EXPECT_EQ(keys_of(id.claims),
            (std::set<std::string>{"sub", "aud", "iss", "token_use", "auth_time", "exp", "iat",
                                   "jti", "origin_jti", "event_id", "cognito:username",
                                   "cognito:groups", "email", "email_verified",
                                   "custom:tenant_id", "name"}));
  const auto& c = id.claims;
  EXPECT_EQ(c.at("sub"), boost::json::value(ada().sub));  // the "sub" attribute cannot override it
  EXPECT_EQ(c.at("aud"), "spa-client");
  EXPECT_EQ(c.at("iss"), boost::json::value(kIssuer));
  EXPECT_EQ(c.at("token_use"), "id");
  EXPECT_EQ(c.at("auth_time"), 1'799'999'000);
  EXPECT_EQ(c.at("iat"), 1'800'000'000);
  EXPECT_EQ(c.at("exp"), 1'800'003'600);
  EXPECT_TRUE(ids::is_valid_uuid(c.at("jti").as_string()));
  EXPECT_EQ(c.at("origin_jti"), boost::json::value(grant().origin_jti));
  EXPECT_EQ(c.at("cognito:username"), "ada");
  EXPECT_EQ(c.at("cognito:groups"), (boost::json::array{"admin", "member"}));
  EXPECT_EQ(c.at("email"), "ada@example.com");
  EXPECT_EQ(c.at("email_verified"), true);
  EXPECT_EQ(c.at("custom:tenant_id"), "t-42");
}

TEST(Tokens, AccessTokenHasCognitosClaimSet) {
  TokenMinter minter({.issuer = kIssuer, .access_token_ttl = seconds(300)});
  auto minted = minter.mint_user_tokens(ring(), ada(), grant(), false, kNow);
  ASSERT_TRUE(minted.ok());
  EXPECT_FALSE(minted->id_token.has_value());
  EXPECT_EQ(minted->expires_in, 300);
  jwt::VerifiedToken at = verify(minted->access_token, "access");
  EXPECT_EQ(keys_of(at.claims),
            (std::set<std::string>{"sub", "iss", "client_id", "token_use", "scope", "auth_time",
                                   "exp", "iat", "jti", "origin_jti", "event_id", "username",
                                   "cognito:groups", "version"}));
  const auto& c = at.claims;
  EXPECT_EQ(c.at("client_id"), "spa-client");
  EXPECT_EQ(c.at("token_use"), "access");
  EXPECT_EQ(c.at("scope"), "openid email aws.cognito.signin.user.admin");
  EXPECT_EQ(c.at("username"), "ada");
  EXPECT_EQ(c.at("exp"), 1'800'000'300);
  EXPECT_EQ(c.at("version"), 2);
  EXPECT_FALSE(c.contains("aud"));  // Cognito access tokens have no aud
  EXPECT_FALSE(c.contains("email"));
}

TEST(Tokens, OidcGrantFiltersAttributesByScopeAndBindsTokens) {
  TokenMinter minter({.issuer = kIssuer});
  TokenGrant g = grant();
  g.filter_attributes_by_scope = true;
  g.bind_at_hash = true;
  g.scopes = {"openid"};  // no email, no profile
  g.nonce = "n-0S6_WzA2Mj";
  auto minted = minter.mint_user_tokens(ring(), ada(), g, true, kNow);
  ASSERT_TRUE(minted.ok());
  jwt::VerifiedToken id = verify(*minted->id_token, "id");
  EXPECT_FALSE(id.claims.contains("email"));
  EXPECT_FALSE(id.claims.contains("email_verified"));
  EXPECT_FALSE(id.claims.contains("name"));
  EXPECT_EQ(id.claims.at("custom:tenant_id"), "t-42");
  EXPECT_EQ(id.claims.at("nonce"), "n-0S6_WzA2Mj");
  EXPECT_EQ(id.claims.at("at_hash"), boost::json::value(access_token_hash(minted->access_token)));
  // Both tokens of one issuance share event_id and origin_jti but not jti.
  jwt::VerifiedToken at = verify(minted->access_token, "access");
  EXPECT_EQ(id.claims.at("event_id"), at.claims.at("event_id"));
  EXPECT_EQ(id.claims.at("origin_jti"), at.claims.at("origin_jti"));
  EXPECT_NE(id.claims.at("jti"), at.claims.at("jti"));

  g.scopes = {"openid", "email", "profile"};
  minted = minter.mint_user_tokens(ring(), ada(), g, true, kNow);
  id = verify(*minted->id_token, "id");
  EXPECT_EQ(id.claims.at("email"), "ada@example.com");
  EXPECT_EQ(id.claims.at("name"), "Ada L");
}

TEST(Tokens, NoGroupsMeansNoGroupsClaim) {
  TokenMinter minter({.issuer = kIssuer});
  TokenUser u = ada();
  u.groups.clear();
  u.email.reset();
  auto minted = minter.mint_user_tokens(ring(), u, grant(), true, kNow);
  ASSERT_TRUE(minted.ok());
  EXPECT_FALSE(verify(*minted->id_token, "id").claims.contains("cognito:groups"));
  EXPECT_FALSE(verify(*minted->id_token, "id").claims.contains("email_verified"));
  EXPECT_FALSE(verify(minted->access_token, "access").claims.contains("cognito:groups"));
}

TEST(Tokens, ClientCredentialsToken) {
  TokenMinter minter({.issuer = kIssuer});
  auto minted = minter.mint_client_token(ring(), "service-client", {"dts/jobs.write"}, kNow);
  ASSERT_TRUE(minted.ok());
  jwt::VerifiedToken at = verify(minted->access_token, "access");
  EXPECT_EQ(keys_of(at.claims),
            (std::set<std::string>{"sub", "iss", "client_id", "token_use", "scope", "auth_time",
                                   "exp", "iat", "jti", "version"}));
  EXPECT_EQ(at.claims.at("sub"), "service-client");
  EXPECT_EQ(at.claims.at("scope"), "dts/jobs.write");
}

TEST(Tokens, RefusesWithoutKeyOrIdentity) {
  TokenMinter minter({.issuer = kIssuer});
  KeyRing empty;
  EXPECT_EQ(minter.mint_user_tokens(empty, ada(), grant(), true, kNow).error().code(),
            Code::kFailedPrecondition);
  TokenGrant g = grant();
  g.origin_jti.clear();
  EXPECT_EQ(minter.mint_user_tokens(ring(), ada(), g, true, kNow).error().code(),
            Code::kInvalidArgument);
}

TEST(Tokens, RefreshTokensAreOpaqueAndHashed) {
  std::string a = new_refresh_token();
  std::string b = new_refresh_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find('.'), std::string::npos);  // not a JWT
  EXPECT_EQ(hash_refresh_token(a).size(), 64u);
  EXPECT_EQ(hash_refresh_token(a), hash_refresh_token(a));
  EXPECT_NE(hash_refresh_token(a), hash_refresh_token(b));
  EXPECT_EQ(hash_refresh_token(a).find(a), std::string::npos);
}

TEST(Tokens, Scopes) {
  EXPECT_EQ(split_scopes("openid  email openid"), (std::vector<std::string>{"openid", "email"}));
  EXPECT_TRUE(split_scopes("").empty());
  EXPECT_EQ(join_scopes({"a", "b"}), "a b");
  // RFC 7636-style known answer for at_hash is implementation defined; check the length:
  // half of SHA-256 = 16 bytes = 22 base64url characters.
  EXPECT_EQ(access_token_hash("x").size(), 22u);
}

}  // namespace
}  // namespace dts::identity
