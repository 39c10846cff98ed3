// Pure parts of the triggers: the request signature and the pre-token-generation reply
// (Cognito V1/V2 shapes, protected claims, limits).

#include "identity/triggers/customization.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "identity/triggers/signature.hpp"

namespace dts::identity::triggers {
namespace {

namespace js = boost::json;
using namespace std::chrono_literals;

const std::string kKey(40, 'k');

js::object obj(std::string_view text) { return js::parse(text).as_object(); }

TEST(TriggerSignature, RoundTripAndEveryTamper) {
  auto now = std::chrono::system_clock::now();
  int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string body = R"({"triggerSource":"PostConfirmation_ConfirmSignUp"})";
  std::string header = sign(kKey, t, body);
  EXPECT_EQ(header.substr(0, 2 + std::to_string(t).size()), "t=" + std::to_string(t));
  EXPECT_TRUE(verify(kKey, header, body, now).ok());
  // Body, key, timestamp or MAC changed: refused.
  EXPECT_FALSE(verify(kKey, header, body + " ", now).ok());
  EXPECT_FALSE(verify(std::string(40, 'x'), header, body, now).ok());
  std::string shifted = sign(kKey, t, body);
  shifted.replace(2, std::to_string(t).size(), std::to_string(t - 1));
  EXPECT_FALSE(verify(kKey, shifted, body, now).ok());
  std::string flipped = header;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(verify(kKey, flipped, body, now).ok());
  // Too old, or from the future beyond the window.
  EXPECT_FALSE(verify(kKey, sign(kKey, t - 301, body), body, now).ok());
  EXPECT_FALSE(verify(kKey, sign(kKey, t + 301, body), body, now).ok());
  EXPECT_TRUE(verify(kKey, sign(kKey, t - 299, body), body, now).ok());
  // Malformed headers and a short key.
  for (std::string bad :
       std::vector<std::string>{"", "t=", "t=1", "v1=ab,t=1", "t=abc,v1=" + std::string(64, 'a'),
                                "t=1,v1=" + std::string(63, 'a'), "t=-,v1=" + std::string(64, 'a'),
                                "t=1,v2=" + std::string(64, 'a'), std::string(200, 't')}) {
    EXPECT_FALSE(verify(kKey, bad, body, now).ok()) << bad;
  }
  EXPECT_FALSE(verify("short", sign("short", t, body), body, now).ok());
}

TEST(TokenCustomization, Version1ChangesTheIdTokenAndGroupsInBoth) {
  auto c = parse_customization(obj(R"({"version":"1","response":{"claimsOverrideDetails":{
      "claimsToAddOrOverride":{"custom:plan":"pro","email":"other@example.com","sub":"evil",
                               "iss":"https://evil","exp":"9999999999","dev:x":"1"},
      "claimsToSuppress":["name","aud","token_use"],
      "groupOverrideDetails":{"groupsToOverride":["gold"],"iamRolesToOverride":["arn:r"],
                              "preferredRole":"arn:r"}}}})"),
                               1);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  js::object id = obj(R"({"sub":"u1","iss":"i","aud":"c","exp":1,"token_use":"id","name":"Ada",
                          "email":"a@example.com","cognito:groups":["admin"]})");
  auto refused = apply_customization(*c, TokenUse::kId, id);
  EXPECT_EQ(id.at("custom:plan").as_string(), "pro");
  EXPECT_EQ(id.at("email").as_string(), "other@example.com");
  EXPECT_FALSE(id.contains("name"));
  EXPECT_EQ(id.at("sub").as_string(), "u1");
  EXPECT_EQ(id.at("iss").as_string(), "i");
  EXPECT_EQ(id.at("aud").as_string(), "c");
  EXPECT_EQ(id.at("exp").as_int64(), 1);
  EXPECT_EQ(id.at("token_use").as_string(), "id");
  EXPECT_FALSE(id.contains("dev:x"));
  EXPECT_EQ(js::serialize(id.at("cognito:groups")), R"(["gold"])");
  EXPECT_EQ(js::serialize(id.at("cognito:roles")), R"(["arn:r"])");
  EXPECT_EQ(id.at("cognito:preferred_role").as_string(), "arn:r");
  EXPECT_EQ(refused.size(), 6u);  // sub iss exp dev:x aud token_use
  // V1 leaves the access token's claims alone, except the group override.
  js::object access = obj(R"({"sub":"u1","scope":"openid","cognito:groups":["admin"]})");
  EXPECT_TRUE(apply_customization(*c, TokenUse::kAccess, access).empty());
  EXPECT_FALSE(access.contains("custom:plan"));
  EXPECT_EQ(js::serialize(access.at("cognito:groups")), R"(["gold"])");
  EXPECT_FALSE(access.contains("cognito:roles"));
}

TEST(TokenCustomization, Version2ChangesBothTokensAndScopes) {
  auto c = parse_customization(obj(R"({"response":{"claimsAndScopeOverrideDetails":{
      "idTokenGeneration":{"claimsToAddOrOverride":{"level":3,"flags":[true,false]}},
      "accessTokenGeneration":{"claimsToAddOrOverride":{"tenant":{"id":"t1"},"client_id":"x",
                                                        "scope":"admin"},
                               "claimsToSuppress":["username","extra"],
                               "scopesToAdd":["api/read","openid"],
                               "scopesToSuppress":["aws.cognito.signin.user.admin"]},
      "groupOverrideDetails":{"groupsToOverride":[]}}}})"),
                               2);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  js::object id = obj(R"({"sub":"u","cognito:groups":["a"]})");
  apply_customization(*c, TokenUse::kId, id);
  EXPECT_EQ(id.at("level").as_int64(), 3);
  EXPECT_EQ(js::serialize(id.at("flags")), "[true,false]");
  EXPECT_FALSE(id.contains("cognito:groups"));  // overridden with no groups
  js::object access = obj(R"({"sub":"u","client_id":"c","username":"ada","extra":1,
                              "scope":"openid aws.cognito.signin.user.admin"})");
  auto refused = apply_customization(*c, TokenUse::kAccess, access);
  EXPECT_EQ(js::serialize(access.at("tenant")), R"({"id":"t1"})");
  EXPECT_EQ(access.at("client_id").as_string(), "c");
  EXPECT_EQ(access.at("username").as_string(), "ada");
  EXPECT_FALSE(access.contains("extra"));
  EXPECT_EQ(access.at("scope").as_string(), "openid api/read");
  EXPECT_EQ(refused.size(), 3u);  // client_id, scope, username
  // A V1 shape sent to a V2 trigger (and vice versa) is no change, as in Cognito.
  auto v1_shape = parse_customization(
      obj(R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"a":"b"}}}})"), 2);
  ASSERT_TRUE(v1_shape.ok());
  EXPECT_TRUE(v1_shape->empty());
}

TEST(TokenCustomization, SuppressWinsAndNullMeansNoChange) {
  auto c = parse_customization(obj(R"({"response":{"claimsOverrideDetails":{
      "claimsToAddOrOverride":{"x":"1"},"claimsToSuppress":["x"],"groupOverrideDetails":null}}})"),
                               1);
  ASSERT_TRUE(c.ok());
  js::object id = obj(R"({"sub":"u"})");
  apply_customization(*c, TokenUse::kId, id);
  EXPECT_FALSE(id.contains("x"));
  for (const char* empty : {R"({})", R"({"response":null})", R"({"response":{}})",
                            R"({"response":{"claimsOverrideDetails":null}})"}) {
    auto e = parse_customization(obj(empty), 1);
    ASSERT_TRUE(e.ok()) << empty;
    EXPECT_TRUE(e->empty()) << empty;
  }
}

TEST(TokenCustomization, MalformedRepliesAreRefusedWhole) {
  std::string many = R"({"response":{"claimsOverrideDetails":{"claimsToSuppress":[)";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  many += "]}}}";
  const std::vector<std::pair<std::string, int>> bad = {
      {R"({"response":"yes"})", 1},
      {R"({"response":{"claimsOverrideDetails":[]}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"n":1}}}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"n":null}}}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"":"v"}}}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"claimsToSuppress":"email"}}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"claimsToSuppress":[1]}}})", 1},
      {R"({"response":{"claimsOverrideDetails":{"groupOverrideDetails":{"groupsToOverride":"a"}}}})",
       1},
      {R"({"response":{"claimsOverrideDetails":{"groupOverrideDetails":{"preferredRole":5}}}})", 1},
      {many, 1},
      {R"({"response":{"claimsAndScopeOverrideDetails":{"accessTokenGeneration":[]}}})", 2},
      {R"({"response":{"claimsAndScopeOverrideDetails":{"accessTokenGeneration":{"scopesToAdd":["a b"]}}}})",
       2},
      {R"({"response":{"claimsAndScopeOverrideDetails":{"idTokenGeneration":{"claimsToAddOrOverride":{"n":null}}}}})",
       2},
  };
  for (const auto& [text, version] : bad) {
    EXPECT_FALSE(parse_customization(obj(text), version).ok()) << text;
  }
}

}  // namespace
}  // namespace dts::identity::triggers
