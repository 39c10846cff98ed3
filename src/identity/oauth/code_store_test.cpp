#include "identity/oauth/code_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/pg/blocking.hpp"
#include "common/pg/co_try.hpp"
#include "identity/test_support.hpp"

namespace dts::identity::oauth {
namespace {

using std::chrono::seconds;

const TimePoint kNow = TimePoint(seconds(1'800'000'000));

AuthorizationCode sample(int64_t expires_at) {
  AuthorizationCode c;
  c.client_id = "spa";
  c.user_sub = "u-1";
  c.redirect_uri = "http://localhost/cb";
  c.scope = "openid email";
  c.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  c.nonce = "n";
  c.auth_time = 1'799'999'990;
  c.expires_at = expires_at;
  return c;
}

struct Outcomes {
  std::string code;
  Redeemed first, second;
  std::string stored_hash;
};

TEST(CodeStore, SingleUseAndReplayReportsTheFamily) {
  std::string db = identity::testing::migrated_database();
  auto run = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<Outcomes>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    CodeStore store(pool);
    Outcomes out;
    DTS_CO_ASSIGN_OR_RETURN(out.code, co_await store.create(sample(1'800'000'300)));
    DTS_CO_ASSIGN_OR_RETURN(out.first, co_await store.redeem(out.code, kNow));
    DTS_CO_TRY(co_await store.set_origin(out.code, "family-1"));
    DTS_CO_ASSIGN_OR_RETURN(out.second, co_await store.redeem(out.code, kNow));
    DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool.acquire());
    DTS_CO_ASSIGN_OR_RETURN(auto rows,
                            co_await lease->query("SELECT code_hash FROM identity.authorization_codes"));
    out.stored_hash = rows[0].get<std::string>(0);
    co_return out;
  });
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run->code.size(), 43u);
  EXPECT_NE(run->stored_hash, run->code);  // only the hash is stored
  EXPECT_EQ(run->first.outcome, Redeemed::Outcome::kOk);
  EXPECT_EQ(run->first.code.client_id, "spa");
  EXPECT_EQ(run->first.code.redirect_uri, "http://localhost/cb");
  EXPECT_EQ(run->first.code.code_challenge, sample(0).code_challenge);
  EXPECT_EQ(run->first.code.nonce, "n");
  EXPECT_EQ(run->first.code.auth_time, 1'799'999'990);
  EXPECT_EQ(run->second.outcome, Redeemed::Outcome::kReplayed);
  EXPECT_EQ(run->second.origin_jti, "family-1");
}

TEST(CodeStore, ExpiredUnknownAndHostileCodes) {
  std::string db = identity::testing::migrated_database();
  auto run = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<std::vector<Redeemed>>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    CodeStore store(pool);
    std::vector<Redeemed> out;
    DTS_CO_ASSIGN_OR_RETURN(std::string code, co_await store.create(sample(1'800'000'000)));
    DTS_CO_ASSIGN_OR_RETURN(auto expired, co_await store.redeem(code, kNow));
    out.push_back(expired);
    DTS_CO_ASSIGN_OR_RETURN(auto after, co_await store.redeem(code, kNow));  // consumed anyway
    out.push_back(after);
    for (const std::string& bad :
         std::vector<std::string>{"", "' OR 1=1 --", std::string(10000, 'a')}) {
      DTS_CO_ASSIGN_OR_RETURN(auto r, co_await store.redeem(bad, kNow));
      out.push_back(r);
    }
    DTS_CO_ASSIGN_OR_RETURN(int64_t purged, co_await store.purge(kNow + seconds(10), seconds(0)));
    if (purged != 1) co_return internal_error("purged " + std::to_string(purged));
    co_return out;
  });
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  ASSERT_EQ(run->size(), 5u);
  EXPECT_EQ((*run)[0].outcome, Redeemed::Outcome::kExpired);
  EXPECT_EQ((*run)[1].outcome, Redeemed::Outcome::kReplayed);
  EXPECT_FALSE((*run)[1].origin_jti.has_value());
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ((*run)[i].outcome, Redeemed::Outcome::kUnknown);
  }
}

TEST(CodeStore, ConcurrentRedemptionsHaveOneWinner) {
  std::string db = identity::testing::migrated_database();
  auto code = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<std::string>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 1});
    CodeStore store(pool);
    co_return co_await store.create(sample(1'800'000'300));
  });
  ASSERT_TRUE(code.ok());
  std::atomic<int> winners{0};
  std::atomic<int> replays{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<Redeemed>> {
        pg::Pool pool(ex, {.conninfo = db, .max_size = 1});
        CodeStore store(pool);
        co_return co_await store.redeem(*code, kNow);
      });
      if (r.ok() && r->outcome == Redeemed::Outcome::kOk) ++winners;
      if (r.ok() && r->outcome == Redeemed::Outcome::kReplayed) ++replays;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(replays.load(), 3);
}

}  // namespace
}  // namespace dts::identity::oauth
