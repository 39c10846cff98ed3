// The hosted UI's sign-up and confirmation forms (POST /signup, POST /confirm) through the
// Provider with the real Accounts and PostgreSQL: the good path (sign up, confirm with the
// mailed code, account CONFIRMED) and every refusal before the account is touched: a body
// that is not a form, an unknown client, a missing or forged CSRF token, missing or
// oversized fields, a wrong code.

#include <gtest/gtest.h>

#include "identity/key_encryption.hpp"
#include "identity/key_manager.hpp"
#include "identity/key_store.hpp"
#include "identity/oauth/provider.hpp"
#include "identity/triggers/test_hook.hpp"

namespace dts::identity::oauth {
namespace {

using namespace triggers::testing;

constexpr const char* kAuthorizeQuery =
    "response_type=code&client_id=dtslocalspaclient"
    "&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fauth%2Fcallback&state=s1"
    "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGqSzy9Y0k&code_challenge_method=S256";

// What a browser keeps from a form page: its CSRF cookie and hidden field.
struct Browser {
  std::string cookie;  // "XSRF-TOKEN=..."
  std::string csrf;    // the _csrf field

  void keep(const http::Response& page) {
    std::string set(page.headers.get("Set-Cookie"));
    cookie = set.substr(0, set.find(';'));
    const std::string marker = "name=\"_csrf\" value=\"";
    size_t at = page.body.find(marker);
    csrf = at == std::string::npos
               ? std::string()
               : page.body.substr(at + marker.size(),
                                  page.body.find('"', at + marker.size()) - at - marker.size());
  }
  http::Request post(const std::string& path, const std::string& fields,
                     bool with_cookie = true) const {
    http::Request req;
    req.method = "POST";
    req.path = req.target = path;
    req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (with_cookie) req.headers.set("Cookie", cookie);
    req.body = std::string(kAuthorizeQuery) + "&_csrf=" + csrf + "&" + fields;
    return req;
  }
};

struct Outcome {
  unsigned page_status = 0, not_a_form = 0, bad_client = 0, no_cookie = 0, forged = 0,
           missing_fields = 0, long_username = 0, signed_up = 0, wrong_code = 0, confirmed = 0;
  std::string signed_up_body, wrong_code_body, confirmed_body;
  UserStatus before_confirm = UserStatus::kConfirmed, after_wrong = UserStatus::kConfirmed,
             after_confirm = UserStatus::kUnconfirmed;
  int64_t users_after_refusals = -1;
};

TEST(HostedSignUp, FormsSignUpAndConfirmAndRefuseBrokenPosts) {
  Hook unused;  // no triggers configured
  std::string db = identity::testing::migrated_database();
  Outcome o;
  pg::block_on([&](pg::Executor ex) -> pg::Awaitable<void> {
    Env env(ex, db, options_for(unused, false, false));
    auto client = co_await spa(env);
    CO_ASSERT_OK(client);
    auto kek = KeyEncryption::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    CO_ASSERT_OK(kek);
    KeyStore key_store(env.pool(), *kek);
    KeyManager keys(key_store, KeyManagerOptions{});
    CodeStore codes(env.pool());
    TokenIssuer issuer(
        [](std::string_view p) { return "http://127.0.0.1:9001/" + std::string(p); });
    Accounts& accounts = env.accounts();
    Provider provider(
        Provider::Deps{env.store(),
                       codes,
                       keys,
                       issuer,
                       *kek,
                       {},
                       [&accounts](const AppClient& c, std::string username, std::string email,
                                   std::string password) -> Task<Status> {
                         Attributes attributes;
                         attributes["email"] = std::move(email);
                         auto created = co_await accounts.sign_up(c, std::move(username),
                                                                  std::move(password), attributes);
                         if (!created.ok()) co_return created.error();
                         co_return ok_status();
                       },
                       [&accounts](const AppClient& c, std::string username,
                                   std::string code) -> Task<Status> {
                         co_return co_await accounts.confirm_sign_up(c, std::move(username),
                                                                     std::move(code));
                       }},
        ProviderOptions{.public_url = "http://127.0.0.1:9001", .default_pool_id = client->pool_id});

    http::Request get;
    get.method = "GET";
    get.path = "/signup";
    get.query = kAuthorizeQuery;
    get.target = "/signup?" + get.query;
    http::Response page = co_await provider.signup_page(get);
    o.page_status = page.status;
    Browser browser;
    browser.keep(page);

    const std::string fields = "username=Ada&email=ada%40example.com&password=Passw0rd%21";
    http::Request not_a_form = browser.post("/signup", fields);
    not_a_form.headers.set("Content-Type", "application/json");
    o.not_a_form = (co_await provider.signup(not_a_form)).status;
    http::Request bad_client = browser.post("/signup", fields);
    bad_client.body.replace(bad_client.body.find("dtslocalspaclient"), 17, "nosuchclient00000");
    o.bad_client = (co_await provider.signup(bad_client)).status;
    http::Request no_cookie = browser.post("/signup", fields, false);
    o.no_cookie = (co_await provider.signup(no_cookie)).status;
    Browser forger = browser;
    forger.csrf = "1700000000.AAAA";
    http::Request forged = forger.post("/signup", fields);
    o.forged = (co_await provider.signup(forged)).status;
    http::Request missing = browser.post("/signup", "username=Ada&password=Passw0rd%21");
    o.missing_fields = (co_await provider.signup(missing)).status;
    http::Request long_name = browser.post(
        "/signup", "username=" + std::string(200, 'a') + "&email=a%40example.com&password=x");
    o.long_username = (co_await provider.signup(long_name)).status;
    auto users = co_await count_rows(env, "SELECT count(*) FROM identity.users");
    CO_ASSERT_OK(users);
    o.users_after_refusals = *users;

    http::Request good = browser.post("/signup", fields);
    http::Response signed_up = co_await provider.signup(good);
    o.signed_up = signed_up.status;
    o.signed_up_body = signed_up.body;
    o.before_confirm = co_await status_of(env, *client, "ada");
    browser.keep(signed_up);

    http::Request wrong = browser.post("/confirm", "username=ada&code=000000");
    http::Response wrong_code = co_await provider.confirm(wrong);
    o.wrong_code = wrong_code.status;
    o.wrong_code_body = wrong_code.body;
    o.after_wrong = co_await status_of(env, *client, "ada");
    browser.keep(wrong_code);
    http::Request right =
        browser.post("/confirm", "username=ada&code=" + env.code("confirm_sign_up"));
    http::Response confirmed = co_await provider.confirm(right);
    o.confirmed = confirmed.status;
    o.confirmed_body = confirmed.body;
    o.after_confirm = co_await status_of(env, *client, "ada");
  });
  EXPECT_EQ(o.page_status, 200u);
  EXPECT_EQ(o.not_a_form, 400u);
  EXPECT_EQ(o.bad_client, 400u);
  EXPECT_EQ(o.no_cookie, 403u);
  EXPECT_EQ(o.forged, 403u);
  EXPECT_EQ(o.missing_fields, 400u);
  EXPECT_EQ(o.long_username, 400u);
  EXPECT_EQ(o.users_after_refusals, 0) << "a refused post must not create an account";
  EXPECT_EQ(o.signed_up, 200u);
  EXPECT_NE(o.signed_up_body.find("action=\"/confirm\""), std::string::npos) << o.signed_up_body;
  EXPECT_EQ(o.before_confirm, UserStatus::kUnconfirmed);
  EXPECT_EQ(o.wrong_code, 400u);
  EXPECT_EQ(o.after_wrong, UserStatus::kUnconfirmed);
  EXPECT_EQ(o.confirmed, 200u);
  EXPECT_NE(o.confirmed_body.find("action=\"/login\""), std::string::npos) << o.confirmed_body;
  EXPECT_EQ(o.after_confirm, UserStatus::kConfirmed);
}

}  // namespace
}  // namespace dts::identity::oauth
