#pragma once
// Test helpers for the triggers: a hook endpoint on the kit's TestServer whose answers the
// test sets, and Accounts wired with Triggers on a fresh database.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <mutex>

#include "common/http/testing/test_server.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/testing.hpp"
#include "identity/accounts.hpp"
#include "identity/bootstrap.hpp"
#include "identity/faults.hpp"
#include "identity/test_keys.hpp"
#include "identity/test_support.hpp"
#include "identity/triggers/signature.hpp"
#include "identity/triggers/triggers.hpp"
#include "jwt/jws.hpp"

namespace dts::identity::triggers::testing {

namespace js = boost::json;
using namespace std::chrono_literals;

inline const std::string kKey = "trigger-test-signing-key-0123456789abcdef";

// A hook endpoint whose answer the test sets; it records every request it gets.
class Hook {
 public:
  struct Seen {
    std::string body;
    std::string signature;
    std::string source;
  };

  Hook() {
    server_.router().add(
        "POST", "/hook",
        [this](http::Request& req) -> boost::asio::awaitable<Result<http::Response>> {
          std::chrono::milliseconds delay;
          http::Response r;
          {
            std::lock_guard lock(mu_);
            seen_.push_back({req.body, std::string(req.header(kSignatureHeader)),
                             std::string(req.header(kSourceHeader))});
            delay = delay_;
            r = http::Response::text(reply_, status_, "application/json");
          }
          if (delay.count() > 0) {
            boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, delay);
            co_await t.async_wait(boost::asio::use_awaitable);
          }
          co_return r;
        });
    server_.start();
  }

  std::string url() const { return server_.url("/hook"); }
  void answer(unsigned status, std::string body, std::chrono::milliseconds delay = 0ms) {
    std::lock_guard lock(mu_);
    status_ = status;
    reply_ = std::move(body);
    delay_ = delay;
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  http::testing::TestServer server_;
  std::mutex mu_;
  std::vector<Seen> seen_;
  unsigned status_ = 200;
  std::string reply_;
  std::chrono::milliseconds delay_{0};
};

inline TriggerOptions options_for(const Hook& hook, bool post, bool pre, int version = 1) {
  TriggerOptions o;
  if (post) o.post_confirmation_url = hook.url();
  if (pre) o.pre_token_generation_url = hook.url();
  o.pre_token_generation_version = version;
  o.timeout = 1500ms;  // generous: the CI runs these under ASan on a loaded machine
  o.max_response_bytes = 2048;
  o.signing_key = kKey;
  return o;
}

// Accounts wired with the triggers, on the test coroutine's executor.
class Env {
 public:
  Env(pg::Executor ex, const std::string& db, TriggerOptions options)
      : pool_(ex, pg::PoolOptions{.conninfo = db, .max_size = 4}),
        store_(pool_),
        passwords_(Argon2Params{1, 64 * 1024}, 1),
        issuer_([](std::string_view p) { return "http://127.0.0.1:9001/" + std::string(p); }),
        triggers_(ex, std::move(options)),
        accounts_(
            store_, passwords_, issuer_,
            [this](CodeMessage m) -> Task<Status> {
              std::lock_guard lock(mu_);
              codes_[m.purpose] = m.code;
              co_return ok_status();
            },
            AccountsOptions{.code_key = "k"}, &triggers_) {
    identity::testing::install_shared_key(issuer_);
  }
  Accounts& accounts() { return accounts_; }
  Store& store() { return store_; }
  pg::Pool& pool() { return pool_; }
  std::string code(const std::string& purpose) {
    std::lock_guard lock(mu_);
    return codes_[purpose];
  }

 private:
  pg::Pool pool_;
  Store store_;
  PasswordWorker passwords_;
  TokenIssuer issuer_;
  Triggers triggers_;
  std::mutex mu_;
  std::map<std::string, std::string> codes_;
  Accounts accounts_;
};

inline std::string type_of(const Status& s) {
  return s.ok() ? "ok" : std::string(fault_type(s.error()));
}
template <typename T>
inline std::string type_of(const Result<T>& r) {
  return r.ok() ? "ok" : std::string(fault_type(r.error()));
}
template <typename T>
inline std::string message_of(const Result<T>& r) {
  return r.ok() ? "" : describe_fault(r.error()).message;
}

// A verified token's claims (RS256 with the test key), or an empty object.
inline js::object verified_claims(const std::string& token) {
  auto decoded = jwt::decode_compact(token);
  if (!decoded.ok() || !decoded->claims) return {};
  auto key = identity::testing::shared_signing_key().public_key();
  if (!key.ok() || !jwt::verify_signature(*decoded, jwt::Alg::kRS256, *key).ok()) return {};
  return *decoded->claims;
}

inline Task<Result<AppClient>> spa(Env& env) {
  Config c;
  c.spa_callback_urls = {"http://localhost:8080/auth/callback"};
  c.default_groups = {"admin:0", "member:2"};
  DTS_CO_TRY(co_await bootstrap_defaults(env.store(), c));
  co_return co_await env.accounts().client(c.spa_client_id);
}

inline Task<Result<int64_t>> count_rows(Env& env, std::string sql) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await env.pool().acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->query(sql));
  co_return rows[0].get<int64_t>(0);
}

inline Task<UserStatus> status_of(Env& env, const AppClient& client, std::string name) {
  auto u = co_await env.accounts().find_user(client.pool_id, name);
  co_return u.ok() ? u->status : UserStatus::kResetRequired;
}

inline Attributes email(std::string a) { return Attributes{{"email", std::move(a)}}; }

}  // namespace dts::identity::triggers::testing
