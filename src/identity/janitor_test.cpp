// The janitor against a real PostgreSQL: expired OAuth authorization codes are purged once
// they are a day past expiry (so a late replay is still recognised until then), fresh and
// recently expired ones are kept, and the Cognito-side tables are purged in the same pass.

#include "identity/janitor.hpp"

#include <gtest/gtest.h>

#include "common/pg/blocking.hpp"
#include "common/pg/co_try.hpp"
#include "identity/test_support.hpp"

namespace dts::identity {
namespace {

using std::chrono::seconds;

oauth::AuthorizationCode code_expiring(TimePoint at) {
  oauth::AuthorizationCode c;
  c.client_id = "spa";
  c.user_sub = "u-1";
  c.redirect_uri = "http://localhost/cb";
  c.scope = "openid";
  c.auth_time = 1;
  c.expires_at = std::chrono::duration_cast<seconds>(at.time_since_epoch()).count();
  return c;
}

struct Pass {
  int64_t purged = 0;
  int64_t purged_again = 0;
  oauth::Redeemed old_code, recent_code, fresh_code;
};

TEST(Janitor, PurgesAuthorizationCodesADayAfterExpiry) {
  std::string db = testing::migrated_database();
  TimePoint now = Clock::now();
  auto run = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<Pass>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    Store store(pool);
    oauth::CodeStore codes(pool);
    DTS_CO_ASSIGN_OR_RETURN(
        std::string old_code,
        co_await codes.create(code_expiring(now - kAuthCodeKeep - seconds(60))));
    DTS_CO_ASSIGN_OR_RETURN(std::string recent,
                            co_await codes.create(code_expiring(now - seconds(60))));
    DTS_CO_ASSIGN_OR_RETURN(std::string fresh,
                            co_await codes.create(code_expiring(now + seconds(300))));
    Pass out;
    DTS_CO_ASSIGN_OR_RETURN(out.purged, co_await janitor_pass(store, codes, now));
    DTS_CO_ASSIGN_OR_RETURN(out.purged_again, co_await janitor_pass(store, codes, now));
    DTS_CO_ASSIGN_OR_RETURN(out.old_code, co_await codes.redeem(old_code, now));
    DTS_CO_ASSIGN_OR_RETURN(out.recent_code, co_await codes.redeem(recent, now));
    DTS_CO_ASSIGN_OR_RETURN(out.fresh_code, co_await codes.redeem(fresh, now));
    co_return out;
  });
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run->purged, 1);
  EXPECT_EQ(run->purged_again, 0);
  EXPECT_EQ(run->old_code.outcome, oauth::Redeemed::Outcome::kUnknown);  // gone
  EXPECT_EQ(run->recent_code.outcome, oauth::Redeemed::Outcome::kExpired);
  EXPECT_EQ(run->fresh_code.outcome, oauth::Redeemed::Outcome::kOk);
}

}  // namespace
}  // namespace dts::identity
