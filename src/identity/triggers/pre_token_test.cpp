// Pre-token-generation against a real hook server and real PostgreSQL: the event, the
// claims the hook adds or suppresses in the signed tokens (V1 and V2), protected claims
// that stay as they were, and failing hooks that leave no session and no token.

#include <gtest/gtest.h>

#include "identity/triggers/test_hook.hpp"

namespace dts::identity::triggers {
namespace {

using namespace testing;
namespace js = boost::json;
using namespace std::chrono_literals;

// Signs up and confirms `name` (no post-confirmation hook in these tests).
Task<Status> confirmed_user(Env& env, const AppClient& client, std::string name) {
  auto& a = env.accounts();
  std::string address = name + "@example.com";
  auto up = co_await a.sign_up(client, name, "Passw0rd!", email(address));
  if (!up.ok()) co_return up.error();
  co_return co_await a.confirm_sign_up(client, name, env.code("confirm_sign_up"));
}

TEST(PreTokenGeneration, Version1ChangesTheIdTokenButNeverProtectedClaims) {
  Hook hook;
  hook.answer(200, R"({"response":{"claimsOverrideDetails":{
      "claimsToAddOrOverride":{"custom:plan":"pro","sub":"00000000-0000-0000-0000-000000000000",
        "iss":"https://evil.example","aud":"other","exp":"9999999999","token_use":"access",
        "cognito:username":"root","auth_time":"1","nonce":"n","jti":"j","origin_jti":"o"},
      "claimsToSuppress":["email","iat","at_hash"],
      "groupOverrideDetails":{"groupsToOverride":["gold"],"iamRolesToOverride":["arn:aws:iam::1:role/r"],
                              "preferredRole":"arn:aws:iam::1:role/r"}}}})");
  std::string db = identity::testing::migrated_database();
  js::object id, access, refreshed_id;
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, false, true, 1));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    CO_ASSERT_OK(co_await confirmed_user(env, *client, "eve"));
    CO_ASSERT_OK(co_await env.accounts().admin_add_user_to_group(client->pool_id, "eve", "member"));
    auto out =
        co_await env.accounts().initiate_password_auth(*client, "eve", "Passw0rd!", "10.0.0.1");
    CO_ASSERT_OK(out);
    CO_ASSERT(out->tokens.has_value());
    id = verified_claims(out->tokens->id_token);
    access = verified_claims(out->tokens->access_token);
    auto refreshed = co_await env.accounts().refresh(*client, out->tokens->refresh_token);
    CO_ASSERT_OK(refreshed);
    refreshed_id = verified_claims(refreshed->id_token);
  });
  ASSERT_FALSE(id.empty());
  ASSERT_FALSE(access.empty());
  EXPECT_EQ(id.at("custom:plan").as_string(), "pro");
  EXPECT_FALSE(id.contains("email"));
  EXPECT_EQ(js::serialize(id.at("cognito:groups")), R"(["gold"])");
  EXPECT_EQ(js::serialize(id.at("cognito:roles")), R"(["arn:aws:iam::1:role/r"])");
  EXPECT_EQ(id.at("cognito:preferred_role").as_string(), "arn:aws:iam::1:role/r");
  // Protected: unchanged.
  EXPECT_NE(id.at("sub").as_string(), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(id.at("sub"), access.at("sub"));
  EXPECT_EQ(id.at("iss").as_string(), "http://127.0.0.1:9001/us-east-1_DTSlocal");
  EXPECT_EQ(id.at("aud").as_string(), "dtslocalspaclient");
  EXPECT_EQ(id.at("token_use").as_string(), "id");
  EXPECT_EQ(id.at("cognito:username").as_string(), "eve");
  EXPECT_EQ(id.at("exp").as_int64() - id.at("iat").as_int64(), 3600);
  EXPECT_NE(id.at("auth_time").as_int64(), 1);
  EXPECT_FALSE(id.contains("nonce"));
  EXPECT_EQ(id.at("origin_jti"), access.at("origin_jti"));
  EXPECT_NE(id.at("jti").as_string(), "j");
  // V1: the access token only gets the group override.
  EXPECT_FALSE(access.contains("custom:plan"));
  EXPECT_EQ(js::serialize(access.at("cognito:groups")), R"(["gold"])");
  EXPECT_EQ(access.at("token_use").as_string(), "access");
  // Refresh runs the hook too.
  EXPECT_EQ(refreshed_id.at("custom:plan").as_string(), "pro");

  auto seen = hook.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].source, "TokenGeneration_Authentication");
  EXPECT_EQ(seen[1].source, "TokenGeneration_RefreshTokens");
  EXPECT_TRUE(verify(kKey, seen[0].signature, seen[0].body, std::chrono::system_clock::now()).ok());
  js::object e = js::parse(seen[0].body).as_object();
  EXPECT_EQ(e.at("version").as_string(), "1");
  EXPECT_EQ(e.at("userName").as_string(), "eve");
  EXPECT_EQ(e.at("callerContext").at("clientId").as_string(), "dtslocalspaclient");
  const js::object& g = e.at("request").at("groupConfiguration").as_object();
  EXPECT_EQ(js::serialize(g.at("groupsToOverride")), R"(["member"])");
  EXPECT_TRUE(g.at("iamRolesToOverride").as_array().empty());
  EXPECT_TRUE(g.at("preferredRole").is_null());
  EXPECT_EQ(e.at("request").at("userAttributes").at("email").as_string(), "eve@example.com");
  EXPECT_FALSE(e.at("request").as_object().contains("scopes"));  // V2 only
}

TEST(PreTokenGeneration, Version2ChangesBothTokensAndScopes) {
  Hook hook;
  hook.answer(200, R"({"response":{"claimsAndScopeOverrideDetails":{
      "idTokenGeneration":{"claimsToAddOrOverride":{"tier":2}},
      "accessTokenGeneration":{"claimsToAddOrOverride":{"tenant":{"id":"t1","roles":["admin"]},
                                                        "client_id":"someone-else"},
                               "claimsToSuppress":["username"],
                               "scopesToAdd":["dts/jobs.read"]}}}})");
  std::string db = identity::testing::migrated_database();
  js::object id, access;
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, false, true, 2));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    CO_ASSERT_OK(co_await confirmed_user(env, *client, "fay"));
    auto out =
        co_await env.accounts().initiate_password_auth(*client, "fay", "Passw0rd!", "10.0.0.1");
    CO_ASSERT_OK(out);
    CO_ASSERT(out->tokens.has_value());
    id = verified_claims(out->tokens->id_token);
    access = verified_claims(out->tokens->access_token);
    // The customized access token still works for the Cognito API (GetUser...).
    CO_ASSERT_OK(co_await env.accounts().user_for_access_token(out->tokens->access_token));
  });
  ASSERT_FALSE(access.empty());
  EXPECT_EQ(id.at("tier").as_int64(), 2);
  EXPECT_EQ(js::serialize(access.at("tenant")), R"({"id":"t1","roles":["admin"]})");
  EXPECT_EQ(access.at("client_id").as_string(), "dtslocalspaclient");
  EXPECT_EQ(access.at("username").as_string(), "fay");
  EXPECT_EQ(access.at("scope").as_string(), "aws.cognito.signin.user.admin dts/jobs.read");
  auto seen = hook.seen();
  ASSERT_EQ(seen.size(), 1u);
  js::object e = js::parse(seen[0].body).as_object();
  EXPECT_EQ(e.at("version").as_string(), "2");
  EXPECT_EQ(js::serialize(e.at("request").at("scopes")), R"(["aws.cognito.signin.user.admin"])");
}

TEST(PreTokenGeneration, FailingHookIssuesNoTokenAndStoresNoSession) {
  Hook hook;
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, false, true, 1));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    CO_ASSERT_OK(co_await confirmed_user(env, *client, "gus"));
    auto& a = env.accounts();
    struct Case {
      unsigned status;
      std::string body;
      std::chrono::milliseconds delay;
      std::string_view type;
    };
    std::vector<Case> cases = {
        {500, R"({"errorMessage":"tenant suspended"})", 0ms, kUserLambdaValidation},
        {200, "{}", 3000ms, kUnexpectedLambda},
        {200, "{\"pad\":\"" + std::string(4096, 'x') + "\"}", 0ms, kInvalidLambdaResponse},
        {200, "{\"response\":", 0ms, kInvalidLambdaResponse},
        // V1 claim values must be strings.
        {200, R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"n":1}}}})", 0ms,
         kInvalidLambdaResponse},
    };
    for (const Case& c : cases) {
      hook.answer(c.status, c.body, c.delay);
      auto out = co_await a.initiate_password_auth(*client, "gus", "Passw0rd!", "10.0.0.1");
      EXPECT_EQ(type_of(out), c.type) << c.body.substr(0, 40);
    }
    hook.answer(500, R"({"errorMessage":"tenant suspended"})");
    auto out = co_await a.initiate_password_auth(*client, "gus", "Passw0rd!", "10.0.0.1");
    EXPECT_EQ(message_of(out), "PreTokenGeneration failed with error tenant suspended.");
    auto sessions = co_await count_rows(env, "SELECT count(*) FROM identity.session");
    CO_ASSERT_OK(sessions);
    EXPECT_EQ(*sessions, 0);
    // The hook recovers; then a refresh fails while it is down again: no new tokens.
    hook.answer(200, "");
    auto ok = co_await a.initiate_password_auth(*client, "gus", "Passw0rd!", "10.0.0.1");
    CO_ASSERT_OK(ok);
    CO_ASSERT(ok->tokens.has_value());
    hook.answer(503, "");
    EXPECT_EQ(type_of(co_await a.refresh(*client, ok->tokens->refresh_token)),
              kUserLambdaValidation);
  });
}

TEST(PreTokenGeneration, NoHookConfiguredChangesNothing) {
  Hook hook;
  std::string db = identity::testing::migrated_database();
  js::object id;
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    TriggerOptions none;  // no URLs: the Triggers object is a no-op
    Env env(ex, db, none);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    CO_ASSERT_OK(co_await confirmed_user(env, *client, "hal"));
    auto out =
        co_await env.accounts().initiate_password_auth(*client, "hal", "Passw0rd!", "10.0.0.1");
    CO_ASSERT_OK(out);
    CO_ASSERT(out->tokens.has_value());
    id = verified_claims(out->tokens->id_token);
  });
  EXPECT_EQ(id.at("email").as_string(), "hal@example.com");
  EXPECT_EQ(id.at("email_verified").as_bool(), true);
  EXPECT_FALSE(id.contains("cognito:roles"));
  EXPECT_TRUE(hook.seen().empty());
}

}  // namespace
}  // namespace dts::identity::triggers
