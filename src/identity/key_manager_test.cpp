#include "identity/key_manager.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/pg/blocking.hpp"
#include "identity/test_support.hpp"

namespace dts::identity {
namespace {

KeyEncryption kek() { return KeyEncryption::from_bytes(std::string(32, 'm')).value(); }

struct Seen {
  int changes = 0;
  std::string first_active, second_active;
  size_t published_after_rotation = 0;
  std::string jwks_before, jwks_after;
};

TEST(KeyManager, StartRotateAndNotify) {
  std::string db = testing::migrated_database();
  KeyEncryption k = kek();
  auto seen = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<Seen>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    KeyStore store(pool, k);
    Seen out;
    KeyManager manager(store, {}, [&](const KeyRing&) { ++out.changes; });
    Status st = co_await manager.start();
    if (!st.ok()) co_return st.error();
    out.first_active = manager.ring()->active(Clock::now())->key.kid();
    out.jwks_before = *manager.jwks_json(Clock::now());
    // A refresh with nothing to do changes nothing.
    st = co_await manager.refresh(false);
    if (!st.ok()) co_return st.error();
    // A forced rotation activates a new key; both are published during the overlap.
    st = co_await manager.refresh(true);
    if (!st.ok()) co_return st.error();
    out.second_active = manager.ring()->active(Clock::now())->key.kid();
    out.published_after_rotation = manager.ring()->published(Clock::now()).size();
    out.jwks_after = *manager.jwks_json(Clock::now());
    co_return out;
  });
  ASSERT_TRUE(seen.ok()) << seen.error().to_string();
  EXPECT_EQ(seen->changes, 2);
  EXPECT_NE(seen->first_active, seen->second_active);
  EXPECT_EQ(seen->published_after_rotation, 2u);
  EXPECT_EQ(boost::json::parse(seen->jwks_before).at("keys").as_array().size(), 1u);
  auto after = boost::json::parse(seen->jwks_after).at("keys").as_array();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_NE(seen->jwks_after.find(seen->first_active), std::string::npos);
  EXPECT_NE(seen->jwks_after.find(seen->second_active), std::string::npos);
}

TEST(KeyManager, StartFailsWithTheWrongKek) {
  std::string db = testing::migrated_database();
  auto run = [&](const KeyEncryption& k) {
    return pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Status> {
      pg::Pool pool(ex, {.conninfo = db, .max_size = 1});
      KeyStore store(pool, k);
      KeyManager manager(store, {});
      co_return co_await manager.start();
    });
  };
  ASSERT_TRUE(run(kek()).ok());
  Status wrong = run(KeyEncryption::from_bytes(std::string(32, 'x')).value());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace dts::identity
