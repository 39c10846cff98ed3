// Pre-token-generation on the OAuth token endpoint (Cognito's hosted UI): the code grant is
// TokenGeneration_HostedAuth, the refresh grant TokenGeneration_RefreshTokens; a failing
// hook answers an OAuth error with Cognito's text and issues no token (no session row).

#include <gtest/gtest.h>

#include "identity/key_encryption.hpp"
#include "identity/key_manager.hpp"
#include "identity/key_store.hpp"
#include "identity/oauth/provider.hpp"
#include "identity/triggers/test_hook.hpp"

namespace dts::identity::triggers {
namespace {

using namespace testing;
namespace js = boost::json;
using namespace std::chrono_literals;

struct Answer {
  unsigned status = 0;
  js::object body;
};

Answer answer_of(const http::Response& r) {
  Answer a;
  a.status = r.status;
  boost::system::error_code ec;
  js::value v = js::parse(r.body, ec);
  if (!ec && v.is_object()) a.body = v.as_object();
  return a;
}

http::Request form_post(std::string body) {
  http::Request req;
  req.method = "POST";
  req.path = req.target = "/oauth2/token";
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::move(body);
  return req;
}

struct Outcome {
  Answer first, failed, replay, refresh_failed, refreshed;
  int64_t sessions_after_failure = -1;
};

TEST(PreTokenGeneration, HostedUiTokenEndpointRunsTheHook) {
  Hook hook;
  hook.answer(
      200,
      R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"custom:plan":"pro"}}}})");
  std::string db = identity::testing::migrated_database();
  Outcome run;
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, false, true, 1));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "ivy", "Passw0rd!", email("ivy@example.com")));
    CO_ASSERT_OK(co_await a.confirm_sign_up(*client, "ivy", env.code("confirm_sign_up")));
    auto ivy = co_await a.find_user(client->pool_id, "ivy");
    CO_ASSERT_OK(ivy);

    auto kek = KeyEncryption::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    CO_ASSERT_OK(kek);
    KeyStore key_store(env.pool(), *kek);
    KeyManager keys(key_store, KeyManagerOptions{});
    oauth::CodeStore codes(env.pool());
    TokenIssuer issuer(
        [](std::string_view p) { return "http://127.0.0.1:9001/" + std::string(p); });
    identity::testing::install_shared_key(issuer);
    Triggers triggers(ex, options_for(hook, false, true, 1));
    oauth::Provider provider(
        oauth::Provider::Deps{env.store(), codes, keys, issuer, *kek, {}, {}, {}, &triggers},
        oauth::ProviderOptions{.public_url = "http://127.0.0.1:9001",
                               .default_pool_id = client->pool_id});
    auto new_code = [&]() -> Task<Result<std::string>> {
      oauth::AuthorizationCode c;
      c.client_id = client->id;
      c.user_sub = ivy->id;
      c.redirect_uri = "http://localhost:8080/auth/callback";
      c.scope = "openid email";
      c.auth_time = 1'700'000'000;
      c.expires_at = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     300;
      co_return co_await codes.create(c);
    };
    auto redeem = [&](std::string code) -> Task<Answer> {
      http::Request req =
          form_post("grant_type=authorization_code&client_id=dtslocalspaclient&code=" + code +
                    "&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fauth%2Fcallback");
      http::Response r = co_await provider.token(req);
      co_return answer_of(r);
    };
    auto refresh = [&](std::string token) -> Task<Answer> {
      http::Request req =
          form_post("grant_type=refresh_token&client_id=dtslocalspaclient&refresh_token=" + token);
      http::Response r = co_await provider.token(req);
      co_return answer_of(r);
    };

    auto c1 = co_await new_code();
    CO_ASSERT_OK(c1);
    run.first = co_await redeem(*c1);
    hook.answer(500, R"({"errorMessage":"plan expired"})");
    auto c2 = co_await new_code();
    CO_ASSERT_OK(c2);
    run.failed = co_await redeem(*c2);
    auto sessions = co_await count_rows(env, "SELECT count(*) FROM identity.session");
    CO_ASSERT_OK(sessions);
    run.sessions_after_failure = *sessions;
    run.replay = co_await redeem(*c2);  // the failed redemption burned the code
    CO_ASSERT(run.first.body.contains("refresh_token"));
    std::string refresh_token(run.first.body["refresh_token"].as_string());
    run.refresh_failed = co_await refresh(refresh_token);
    hook.answer(200, "{}");
    run.refreshed = co_await refresh(refresh_token);
  });
  ASSERT_EQ(run.first.status, 200u);
  ASSERT_TRUE(run.first.body.contains("id_token"));
  js::object id = verified_claims(std::string(run.first.body.at("id_token").as_string()));
  EXPECT_EQ(id.at("custom:plan").as_string(), "pro");
  EXPECT_EQ(id.at("email").as_string(), "ivy@example.com");
  EXPECT_TRUE(id.contains("at_hash"));
  EXPECT_EQ(run.failed.status, 400u);
  EXPECT_EQ(run.failed.body["error"].as_string(), "invalid_request");
  EXPECT_EQ(run.failed.body["error_description"].as_string(),
            "UserLambdaValidationException: PreTokenGeneration failed with error plan expired.");
  EXPECT_FALSE(run.failed.body.contains("access_token"));
  EXPECT_EQ(run.sessions_after_failure, 1);  // only the first sign-in's
  EXPECT_EQ(run.replay.body["error"].as_string(), "invalid_grant");
  EXPECT_EQ(run.refresh_failed.status, 400u);
  EXPECT_FALSE(run.refresh_failed.body.contains("access_token"));
  EXPECT_EQ(run.refreshed.status, 200u);
  auto seen = hook.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].source, "TokenGeneration_HostedAuth");
  EXPECT_EQ(seen[2].source, "TokenGeneration_RefreshTokens");
  js::object e = js::parse(seen[0].body).as_object();
  EXPECT_EQ(e.at("callerContext").at("clientId").as_string(), "dtslocalspaclient");
}

}  // namespace
}  // namespace dts::identity::triggers
