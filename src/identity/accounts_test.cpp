// The identity domain against a real PostgreSQL (a throwaway cluster, one database per test).

#include "identity/accounts.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <thread>

#include "common/pg/blocking.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/testing.hpp"
#include "identity/bootstrap.hpp"
#include "identity/faults.hpp"
#include "identity/test_keys.hpp"
#include "jwt/jws.hpp"

namespace dts::identity {
namespace {

using namespace std::chrono_literals;

const Argon2Params kFast{1, 64 * 1024};

std::string migrated_database() {
  std::string db = pg::testing::fresh_database();
  auto report = pg::migrate(db, std::string(DTS_SOURCE_DIR) + "/migrations", "identity");
  EXPECT_TRUE(report.ok()) << report.error().to_string();
  return db;
}

Config test_config() {
  Config c;
  c.issuer_base = "http://127.0.0.1:9001";
  c.spa_callback_urls = {"http://localhost:8080/auth/callback"};
  c.default_groups = {"admin:0", "billing:1", "member:2", "viewer:3"};
  return c;
}

AccountsOptions fast_options() {
  AccountsOptions o;
  o.code_key = "test-code-key";
  return o;
}

// Everything Accounts needs, on the test coroutine's executor.
class Env {
 public:
  Env(pg::Executor ex, const std::string& db, AccountsOptions options = fast_options(),
      bool with_keys = true)
      : pool_(ex, pg::PoolOptions{.conninfo = db, .max_size = 4}),
        store_(pool_),
        passwords_(kFast, 2),
        issuer_([](std::string_view pool) { return "http://127.0.0.1:9001/" + std::string(pool); }),
        accounts_(store_, passwords_, issuer_,
                  [this](CodeMessage m) -> Task<Status> {
                    std::lock_guard lock(mutex_);
                    sent_.push_back(std::move(m));
                    co_return ok_status();
                  },
                  std::move(options)) {
    if (with_keys) testing::install_shared_key(issuer_);
  }

  Accounts& accounts() { return accounts_; }
  Store& store() { return store_; }
  TokenIssuer& issuer() { return issuer_; }
  std::string last_code(std::string_view purpose) {
    std::lock_guard lock(mutex_);
    for (auto it = sent_.rbegin(); it != sent_.rend(); ++it) {
      if (it->purpose == purpose) return it->code;
    }
    return {};
  }
  size_t sent_count() {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }

 private:
  pg::Pool pool_;
  Store store_;
  PasswordWorker passwords_;
  TokenIssuer issuer_;
  std::mutex mutex_;
  std::vector<CodeMessage> sent_;
  Accounts accounts_;
};

std::string type_of(const Error& e) { return std::string(fault_type(e)); }
template <typename T>
std::string type_of(const Result<T>& r) {
  return r.ok() ? "ok" : type_of(r.error());
}

Task<Result<AppClient>> spa(Env& env) {
  Config c = test_config();
  DTS_CO_TRY(co_await bootstrap_defaults(env.store(), c));
  co_return co_await env.accounts().client(c.spa_client_id);
}

Attributes email(std::string address) { return Attributes{{"email", std::move(address)}}; }

Task<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

TEST(Accounts, SignUpConfirmSignInRefreshAndSignOut) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    auto up = co_await a.sign_up(*client, "Alice", "Passw0rd!", email("alice@example.com"));
    CO_ASSERT_OK(up);
    EXPECT_EQ(up->second.destination, "a***@e***.com");
    EXPECT_EQ(up->first.status, UserStatus::kUnconfirmed);
    std::string code = env.last_code("confirm_sign_up");
    CO_ASSERT(code.size() == 6);

    // Not confirmed yet: the right password is refused with UserNotConfirmedException.
    auto early = co_await a.initiate_password_auth(*client, "alice", "Passw0rd!", "10.0.0.1");
    EXPECT_EQ(type_of(early), kUserNotConfirmed);

    std::string wrong = code == "000000" ? "111111" : "000000";
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "alice", wrong)), kCodeMismatch);
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "alice", "12ab")), kCodeMismatch);
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "ALICE", code)), "ok");
    // Replay of a used code on a confirmed user.
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "alice", code)), kNotAuthorized);

    auto signed_in = co_await a.initiate_password_auth(*client, "aLiCe", "Passw0rd!", "10.0.0.1");
    CO_ASSERT_OK(signed_in);
    CO_ASSERT(signed_in->tokens.has_value());
    const IssuedTokens& t = *signed_in->tokens;
    EXPECT_EQ(t.expires_in, 3600);
    EXPECT_FALSE(t.refresh_token.empty());
    auto id = jwt::decode_compact(t.id_token);
    CO_ASSERT_OK(id);
    EXPECT_EQ(id->claims->at("token_use").as_string(), "id");
    EXPECT_EQ(id->claims->at("cognito:username").as_string(), "Alice");
    EXPECT_EQ(id->claims->at("email").as_string(), "alice@example.com");
    EXPECT_EQ(id->claims->at("email_verified").as_bool(), true);
    EXPECT_EQ(id->claims->at("aud").as_string(), client->id);
    EXPECT_EQ(id->claims->at("iss").as_string(), "http://127.0.0.1:9001/us-east-1_DTSlocal");
    auto access = jwt::decode_compact(t.access_token);
    CO_ASSERT_OK(access);
    EXPECT_EQ(access->claims->at("token_use").as_string(), "access");
    EXPECT_EQ(access->claims->at("client_id").as_string(), client->id);
    EXPECT_EQ(access->claims->at("origin_jti"), id->claims->at("origin_jti"));

    auto me = co_await a.user_for_access_token(t.access_token);
    CO_ASSERT_OK(me);
    EXPECT_EQ(me->id, up->first.id);

    auto refreshed = co_await a.refresh(*client, t.refresh_token);
    CO_ASSERT_OK(refreshed);
    EXPECT_TRUE(refreshed->refresh_token.empty());
    EXPECT_EQ(type_of(co_await a.refresh(*client, "not-a-token")), kNotAuthorized);

    CO_ASSERT_OK(co_await a.global_sign_out(t.access_token));
    EXPECT_EQ(type_of(co_await a.user_for_access_token(t.access_token)), kNotAuthorized);
    EXPECT_EQ(type_of(co_await a.user_for_access_token(refreshed->access_token)), kNotAuthorized);
    EXPECT_EQ(type_of(co_await a.refresh(*client, t.refresh_token)), kNotAuthorized);
    // A tampered token is refused before any lookup.
    std::string forged = t.access_token;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(type_of(co_await a.user_for_access_token(forged)), kNotAuthorized);
  });
}

TEST(Accounts, UsernamesAreUniqueCaseInsensitivelyAndAgainstLookAlikes) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "alice", "Passw0rd!", email("a@example.com")));
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "ALICE", "Passw0rd!", email("b@example.com"))),
              kUsernameExists);
    // Full-width ＡＬＩＣＥ and Cyrillic а.
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "\xEF\xBC\xA1\xEF\xBC\xAC\xEF\xBC\xA9\xEF\xBC\xA3\xEF\xBC\xA5",
                                         "Passw0rd!", email("c@example.com"))),
              kUsernameExists);
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "\xD0\xB0lice", "Passw0rd!", email("d@example.com"))),
              kUsernameExists);
    // SQL metacharacters are ordinary characters.
    auto odd = co_await a.sign_up(*client, "o'brien\";--", "Passw0rd!", email("o@example.com"));
    CO_ASSERT_OK(odd);
    auto found = co_await a.find_user(client->pool_id, "O'Brien\";--");
    CO_ASSERT_OK(found);
    EXPECT_EQ(found->username, "o'brien\";--");
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "x y", "Passw0rd!", email("e@example.com"))),
              kInvalidParameter);
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "weak", "short", email("e@example.com"))),
              kInvalidPassword);
    Attributes no_attributes;
    EXPECT_EQ(type_of(co_await a.sign_up(*client, "noemail", "Passw0rd!", no_attributes)),
              kInvalidParameter);
  });
}

TEST(Accounts, ConcurrentSignUpsOfOneNameExactlyOneWins) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    CO_ASSERT_OK(co_await spa(env));
  });
  constexpr int kThreads = 8;
  std::vector<std::string> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      outcomes[i] = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<std::string> {
        Env env(ex, db, fast_options(), false);
        auto client = co_await env.accounts().client("dtslocalspaclient");
        if (!client.ok()) co_return client.error().to_string();
        // Different spellings of one name.
        std::string name = i % 2 == 0 ? "Racer" : "rAcEr";
        auto r = co_await env.accounts().sign_up(*client, name, "Passw0rd!",
                                                 email("racer" + std::to_string(i) + "@example.com"));
        co_return type_of(r);
      });
    });
  }
  for (auto& t : threads) t.join();
  int wins = 0, exists = 0;
  for (const auto& o : outcomes) {
    if (o == "ok") ++wins;
    if (o == kUsernameExists) ++exists;
  }
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(exists, kThreads - 1);
}

TEST(Accounts, CodesExpireAndAreAttemptLimited) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    AccountsOptions o = fast_options();
    o.sign_up_code_ttl = 1s;
    o.code_max_attempts = 3;
    Env env(ex, db, o);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "slow", "Passw0rd!", email("slow@example.com")));
    std::string code = env.last_code("confirm_sign_up");
    co_await sleep_for(1100ms);
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "slow", code)), kExpiredCode);

    CO_ASSERT_OK(co_await a.resend_confirmation_code(*client, "slow"));
    code = env.last_code("confirm_sign_up");
    std::string wrong = code == "000000" ? "111111" : "000000";
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "slow", wrong)), kCodeMismatch);
    }
    // The limit is reached: even the right code is dead now.
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "slow", code)), kExpiredCode);

    // Unknown users look like wrong codes; resend for them pretends to deliver.
    EXPECT_EQ(type_of(co_await a.confirm_sign_up(*client, "nobody", "123456")), kCodeMismatch);
    size_t before = env.sent_count();
    auto fake = co_await a.resend_confirmation_code(*client, "nobody");
    CO_ASSERT_OK(fake);
    EXPECT_EQ(env.sent_count(), before);
  });
}

TEST(Accounts, JanitorPurgesExpiredRows) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto up = co_await env.accounts().sign_up(*client, "tidy", "Passw0rd!", email("t@example.com"));
    CO_ASSERT_OK(up);
    std::string user_id = up->first.id;
    std::string hash = "h1";
    std::string client_id = client->id;
    std::string name = "NEW_PASSWORD_REQUIRED";
    CO_ASSERT_OK(co_await env.store().create_challenge(hash, user_id, client_id, name, 0));
    std::string purpose = "forgot_password";
    std::string code_hash = "x";
    CO_ASSERT_OK(co_await env.store().put_code(user_id, purpose, code_hash, 0));
    co_await sleep_for(20ms);
    auto purged = co_await env.store().purge_expired();
    CO_ASSERT_OK(purged);
    EXPECT_EQ(*purged, 2);  // the challenge and the forgot-password code; the sign-up code lives
    auto taken = co_await env.store().take_challenge(hash);
    CO_ASSERT_OK(taken);
    EXPECT_FALSE(taken->has_value());
    std::string live = "confirm_sign_up";
    auto code = co_await env.store().get_code(user_id, live);
    CO_ASSERT_OK(code);
    EXPECT_TRUE(code->has_value());
  });
}

TEST(Accounts, ForgotPasswordCodeIsSingleUseAndEndsSessions) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "forgetful", "Passw0rd!", email("f@example.com")));
    CO_ASSERT_OK(co_await a.admin_confirm_sign_up(client->pool_id, "forgetful"));
    auto session = co_await a.initiate_password_auth(*client, "forgetful", "Passw0rd!", "10.0.0.2");
    CO_ASSERT_OK(session);
    CO_ASSERT_OK(co_await a.forgot_password(*client, "forgetful"));
    std::string code = env.last_code("forgot_password");
    EXPECT_EQ(type_of(co_await a.confirm_forgot_password(*client, "forgetful", code, "weak")),
              kInvalidPassword);
    CO_ASSERT_OK(co_await a.confirm_forgot_password(*client, "forgetful", code, "N3w-Passw0rd"));
    EXPECT_EQ(type_of(co_await a.confirm_forgot_password(*client, "forgetful", code, "Other-Passw0rd1")),
              kExpiredCode);
    EXPECT_EQ(type_of(co_await a.initiate_password_auth(*client, "forgetful", "Passw0rd!", "10.0.0.2")),
              kNotAuthorized);
    CO_ASSERT_OK(co_await a.initiate_password_auth(*client, "forgetful", "N3w-Passw0rd", "10.0.0.2"));
    EXPECT_EQ(type_of(co_await a.refresh(*client, session->tokens->refresh_token)), kNotAuthorized);
  });
}

TEST(Accounts, ThrottlingAndNoUserEnumeration) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    AccountsOptions o = fast_options();
    o.max_failed_per_user = 3;
    o.max_failed_per_ip = 8;
    Env env(ex, db, o);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    CO_ASSERT_OK(co_await a.sign_up(*client, "target", "Passw0rd!", email("t@example.com")));
    CO_ASSERT_OK(co_await a.admin_confirm_sign_up(client->pool_id, "target"));
    for (int i = 0; i < 3; ++i) {
      auto known = co_await a.authenticate_password(client->pool_id, "target", "wrong", "10.1.0.1");
      auto unknown = co_await a.authenticate_password(client->pool_id, "ghost", "wrong", "10.1.0.2");
      CO_ASSERT(!known.ok() && !unknown.ok());
      // Same type, same message: nothing tells the names apart.
      EXPECT_EQ(known.error().message(), unknown.error().message());
      EXPECT_EQ(type_of(known), kNotAuthorized);
    }
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, "target", "wrong", "10.1.0.1")),
              kLimitExceeded);
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, "ghost", "wrong", "10.1.0.2")),
              kLimitExceeded);
    // Even the right password waits out the window.
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, "TARGET", "Passw0rd!", "10.1.0.9")),
              kLimitExceeded);
    // Per IP: many names from one address.
    for (int i = 0; i < 8; ++i) {
      std::string name = "spray" + std::to_string(i);
      EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, name, "x", "10.2.0.1")),
                kNotAuthorized);
    }
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, "spray99", "x", "10.2.0.1")),
              kLimitExceeded);
    // Malformed and oversized input: the same answer, no crash.
    std::string huge(100000, 'x');
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, huge, huge, "10.3.0.1")),
              kNotAuthorized);
    EXPECT_EQ(type_of(co_await a.authenticate_password(client->pool_id, "a\nb", "", "10.3.0.1")),
              kNotAuthorized);
  });
}

TEST(Accounts, AdminCreatedUserChangesPasswordAndCanBeDisabled) {
  std::string db = migrated_database();
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db);
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto& a = env.accounts();
    Attributes attrs{{"email", "ops@example.com"}, {"custom:tenant_id", "t-42"}, {"email_verified", "true"}};
    std::optional<std::string> temp = "Temp-Passw0rd";
    auto created = co_await a.admin_create_user(client->pool_id, "Ops", attrs, temp, "");
    CO_ASSERT_OK(created);
    EXPECT_EQ(created->status, UserStatus::kForceChangePassword);
    EXPECT_EQ(env.last_code("temporary_password"), "Temp-Passw0rd");
    EXPECT_EQ(type_of(co_await a.admin_create_user(client->pool_id, "ops", attrs, temp, "")),
              kUsernameExists);
    // (Named locals, never braced temporaries, inside co_await: the GCC 12 pitfall.)
    Group auditors;
    auditors.pool_id = client->pool_id;
    auditors.name = "auditors";
    auditors.precedence = 7;
    CO_ASSERT_OK(co_await a.create_group(auditors));
    EXPECT_EQ(type_of(co_await a.create_group(auditors)), kGroupExists);
    CO_ASSERT_OK(co_await a.admin_add_user_to_group(client->pool_id, "ops", "auditors"));
    CO_ASSERT_OK(co_await a.admin_add_user_to_group(client->pool_id, "ops", "admin"));
    CO_ASSERT_OK(co_await a.admin_add_user_to_group(client->pool_id, "ops", "admin"));  // no-op
    EXPECT_EQ(type_of(co_await a.admin_add_user_to_group(client->pool_id, "ops", "nope")),
              kResourceNotFound);
    EXPECT_EQ(type_of(co_await a.admin_add_user_to_group(client->pool_id, "ghost", "admin")),
              kUserNotFound);

    Attributes none;
    auto challenge = co_await a.initiate_password_auth(*client, "ops", "Temp-Passw0rd", "10.4.0.1");
    CO_ASSERT_OK(challenge);
    EXPECT_EQ(challenge->challenge_name, "NEW_PASSWORD_REQUIRED");
    CO_ASSERT(!challenge->tokens.has_value());
    EXPECT_EQ(type_of(co_await a.respond_new_password(*client, "bogus", "ops", "N3w-Passw0rd", none)),
              kNotAuthorized);
    auto tokens = co_await a.respond_new_password(*client, challenge->session, "ops", "N3w-Passw0rd", none);
    CO_ASSERT_OK(tokens);
    // The session is single use.
    EXPECT_EQ(type_of(co_await a.respond_new_password(*client, challenge->session, "ops", "N3w-Passw0rd2", none)),
              kNotAuthorized);
    auto id = jwt::decode_compact(tokens->id_token);
    CO_ASSERT_OK(id);
    EXPECT_EQ(id->claims->at("custom:tenant_id").as_string(), "t-42");
    // Ordered by precedence: admin (0) before auditors (7).
    EXPECT_EQ(boost::json::serialize(id->claims->at("cognito:groups")), R"(["admin","auditors"])");

    CO_ASSERT_OK(co_await a.admin_set_enabled(client->pool_id, "ops", false));
    EXPECT_EQ(type_of(co_await a.user_for_access_token(tokens->access_token)), kNotAuthorized);
    auto disabled = co_await a.initiate_password_auth(*client, "ops", "N3w-Passw0rd", "10.4.0.1");
    CO_ASSERT(!disabled.ok());
    EXPECT_EQ(disabled.error().message(), "NotAuthorizedException: User is disabled.");
    CO_ASSERT_OK(co_await a.admin_set_enabled(client->pool_id, "ops", true));
    CO_ASSERT_OK(co_await a.initiate_password_auth(*client, "ops", "N3w-Passw0rd", "10.4.0.1"));

    UserFilter by_prefix{"username", true, "o"};
    auto listed = co_await a.list_users(client->pool_id, by_prefix, 10, "");
    CO_ASSERT_OK(listed);
    EXPECT_EQ(listed->size(), 1u);
    UserFilter by_email{"email", false, "ops@example.com"};
    auto by_mail = co_await a.list_users(client->pool_id, by_email, 10, "");
    CO_ASSERT_OK(by_mail);
    EXPECT_EQ(by_mail->size(), 1u);
    UserFilter injection{"name", false, "' OR 1=1 --"};
    auto injected = co_await a.list_users(client->pool_id, injection, 10, "");
    CO_ASSERT_OK(injected);
    EXPECT_TRUE(injected->empty());

    CO_ASSERT_OK(co_await a.admin_delete_user(client->pool_id, "ops"));
    EXPECT_EQ(type_of(co_await a.find_user(client->pool_id, "ops")), kUserNotFound);
    EXPECT_EQ(type_of(co_await a.admin_delete_user(client->pool_id, "ops")), kUserNotFound);
  });
}

}  // namespace
}  // namespace dts::identity
