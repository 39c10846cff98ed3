// The Lambda-trigger role end to end inside the process: a real HTTP hook server (the kit's
// TestServer), real PostgreSQL, the real Accounts domain. The hook sees Cognito's event
// with a valid signature; its answers change the signed tokens; a failing, slow, oversized
// or garbled hook fails the step with Cognito's error and leaves no trace of it.

#include "identity/triggers/triggers.hpp"

#include <gtest/gtest.h>

#include "common/http/testing/test_pki.hpp"
#include "common/http/testing/tls_test_server.hpp"
#include "identity/triggers/test_hook.hpp"

namespace dts::identity::triggers {
namespace {

using namespace testing;
namespace js = boost::json;
using namespace std::chrono_literals;

TEST(Triggers, PostConfirmationGetsCognitosSignedEventAndConfirms) {
  Hook hook;
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, true, false));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "Ada", "Passw0rd!", email("ada@example.com")));
    EXPECT_TRUE(hook.seen().empty());  // sign-up itself is no post-confirmation
    CO_ASSERT_OK(co_await a.confirm_sign_up(*client, "ada", env.code("confirm_sign_up")));
    EXPECT_EQ(co_await status_of(env, *client, "ada"), UserStatus::kConfirmed);
  });
  auto seen = hook.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].source, "PostConfirmation_ConfirmSignUp");
  EXPECT_TRUE(verify(kKey, seen[0].signature, seen[0].body, std::chrono::system_clock::now()).ok());
  js::object e = js::parse(seen[0].body).as_object();
  EXPECT_EQ(e.at("version").as_string(), "1");
  EXPECT_EQ(e.at("triggerSource").as_string(), "PostConfirmation_ConfirmSignUp");
  EXPECT_EQ(e.at("region").as_string(), "us-east-1");
  EXPECT_EQ(e.at("userPoolId").as_string(), "us-east-1_DTSlocal");
  EXPECT_EQ(e.at("userName").as_string(), "Ada");
  EXPECT_EQ(e.at("callerContext").at("clientId").as_string(), "dtslocalspaclient");
  EXPECT_TRUE(e.at("callerContext").at("awsSdkVersion").is_string());
  const js::object& attrs = e.at("request").at("userAttributes").as_object();
  EXPECT_EQ(attrs.at("email").as_string(), "ada@example.com");
  EXPECT_EQ(attrs.at("email_verified").as_string(), "true");
  EXPECT_EQ(attrs.at("cognito:user_status").as_string(), "CONFIRMED");
  EXPECT_EQ(attrs.at("sub").as_string().size(), 36u);
  EXPECT_TRUE(e.at("response").as_object().empty());
}

TEST(Triggers, FailingPostConfirmationLeavesTheUserUnconfirmedAndTheCodeUsable) {
  Hook hook;
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, true, false));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "bob", "Passw0rd!", email("bob@example.com")));
    std::string code = env.code("confirm_sign_up");

    hook.answer(500, R"({"errorType":"Error","errorMessage":"no tenant quota left"})");
    auto refused = co_await a.confirm_sign_up(*client, "bob", code);
    EXPECT_EQ(type_of(refused), kUserLambdaValidation);
    EXPECT_EQ(describe_fault(refused.error()).message,
              "PostConfirmation failed with error no tenant quota left.");
    hook.answer(403, "");
    auto plain = co_await a.confirm_sign_up(*client, "bob", code);
    EXPECT_EQ(message_of(plain), "PostConfirmation failed with error HTTP 403.");
    hook.answer(200, "{}", 3000ms);  // slower than the 1.5 s timeout
    auto slow = co_await a.confirm_sign_up(*client, "bob", code);
    EXPECT_EQ(type_of(slow), kUnexpectedLambda);
    EXPECT_EQ(message_of(slow), "PostConfirmation invocation failed due to error TimeoutError.");
    hook.answer(200, "{\"pad\":\"" + std::string(4096, 'x') + "\"}");  // over the 2 KiB limit
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "bob", code)), kInvalidLambdaResponse);
    hook.answer(200, "not json");
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "bob", code)), kInvalidLambdaResponse);
    hook.answer(200, "[1,2]");
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "bob", code)), kInvalidLambdaResponse);
    // After every failure: still UNCONFIRMED, email not verified, the code not consumed.
    auto bob = co_await a.find_user(client->pool_id, "bob");
    CO_ASSERT_OK(bob);
    EXPECT_EQ(bob->status, UserStatus::kUnconfirmed);
    EXPECT_EQ(bob->attribute("email_verified"), "false");
    auto codes = co_await count_rows(env, "SELECT count(*) FROM identity.code");
    CO_ASSERT_OK(codes);
    EXPECT_EQ(*codes, 1);
    // The hook recovers: the same code confirms (an empty 2xx body is an accepted answer).
    hook.answer(204, "");
    CO_ASSERT_OK(co_await a.confirm_sign_up(*client, "bob", code));
    EXPECT_EQ(co_await status_of(env, *client, "bob"), UserStatus::kConfirmed);
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "bob", code)), kNotAuthorized);
  });
  EXPECT_EQ(hook.seen().size(), 7u);
}

TEST(Triggers, AdminConfirmAndForgotPasswordRunThePostConfirmationHookFirst) {
  Hook hook;
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(hook, true, false));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "cy", "Passw0rd!", email("cy@example.com")));
    hook.answer(500, R"({"errorMessage":"billing down"})");
    EXPECT_EQ(type_of(co_await a.admin_confirm_sign_up(client->pool_id, "cy")),
              kUserLambdaValidation);
    EXPECT_EQ(co_await status_of(env, *client, "cy"), UserStatus::kUnconfirmed);
    hook.answer(200, "{}");
    CO_ASSERT_OK(co_await a.admin_confirm_sign_up(client->pool_id, "cy"));
    EXPECT_EQ(co_await status_of(env, *client, "cy"), UserStatus::kConfirmed);

    // ConfirmForgotPassword: a failing hook keeps the old password and the code.
    CO_ASSERT_OK(co_await a.forgot_password(*client, "cy"));
    std::string code = env.code("forgot_password");
    hook.answer(502, "");
    EXPECT_EQ(type_of(co_await a.confirm_forgot_password(*client, "cy", code, "NewPassw0rd!")),
              kUserLambdaValidation);
    CO_ASSERT_OK(co_await a.authenticate_password(client->pool_id, "cy", "Passw0rd!", "10.0.0.9"));
    hook.answer(200, "{}");
    CO_ASSERT_OK(co_await a.confirm_forgot_password(*client, "cy", code, "NewPassw0rd!"));
    CO_ASSERT_OK(
        co_await a.authenticate_password(client->pool_id, "cy", "NewPassw0rd!", "10.0.0.9"));
    EXPECT_EQ(type_of(co_await a.confirm_forgot_password(*client, "cy", code, "OtherPassw0rd!")),
              kExpiredCode);
  });
  auto seen = hook.seen();
  ASSERT_EQ(seen.size(), 4u);
  js::object admin = js::parse(seen[1].body).as_object();
  EXPECT_EQ(admin.at("callerContext").at("clientId").as_string(), "CLIENT_ID_NOT_APPLICABLE");
  EXPECT_EQ(seen[3].source, "PostConfirmation_ConfirmForgotPassword");
  EXPECT_TRUE(verify(kKey, seen[3].signature, seen[3].body, std::chrono::system_clock::now()).ok());
}

TEST(Triggers, UnreachableHookIsUnexpectedLambdaException) {
  TriggerOptions o;
  {
    Hook gone;  // a port that was just serving and is now closed
    o = options_for(gone, true, true);
  }
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, o);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "dee", "Passw0rd!", email("dee@example.com")));
    auto r = co_await a.confirm_sign_up(*client, "dee", env.code("confirm_sign_up"));
    EXPECT_EQ(type_of(r), kUnexpectedLambda);
    EXPECT_EQ(message_of(r), "PostConfirmation invocation failed due to error ConnectionError.");
    EXPECT_EQ(co_await status_of(env, *client, "dee"), UserStatus::kUnconfirmed);
  });
}

TEST(Triggers, HttpsHookIsVerifiedAgainstTheConfiguredCa) {
  http::testing::TestCa ca;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> seen;  // body, signature
  http::testing::TlsTestServer tls(ca.issue(), [&](const http::Request& req) {
    std::lock_guard lock(mu);
    seen.emplace_back(req.body, std::string(req.header(kSignatureHeader)));
    return http::Response::text("{}", 200, "application/json");
  });
  TriggerOptions o;
  o.post_confirmation_url = tls.url("/hook");
  o.signing_key = kKey;
  o.timeout = 3000ms;
  std::string db = identity::testing::migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    {
      // Without the private CA the certificate is refused: the step fails, nothing changes.
      Env untrusted(ex, db, o);
      auto client = co_await spa(untrusted);
      CO_ASSERT_OK(client);
      CO_ASSERT_OK(co_await untrusted.accounts().sign_up(*client, "tls", "Passw0rd!",
                                                         email("tls@example.com")));
      std::string code = untrusted.code("confirm_sign_up");
      auto refused = co_await untrusted.accounts().confirm_sign_up(*client, "tls", code);
      EXPECT_EQ(type_of(refused), kUnexpectedLambda);
      EXPECT_EQ(co_await status_of(untrusted, *client, "tls"), UserStatus::kUnconfirmed);
      TriggerOptions trusted_options = o;
      trusted_options.ca_file = ca.cert_file();
      Env trusted(ex, db, trusted_options);
      CO_ASSERT_OK(co_await trusted.accounts().confirm_sign_up(*client, "tls", code));
      EXPECT_EQ(co_await status_of(trusted, *client, "tls"), UserStatus::kConfirmed);
    }
  });
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(verify(kKey, seen[0].second, seen[0].first, std::chrono::system_clock::now()).ok());
}

}  // namespace
}  // namespace dts::identity::triggers
