#include "identity/key_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/pg/blocking.hpp"
#include "identity/test_support.hpp"

namespace dts::identity {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(seconds(1'800'000'000));

KeyEncryption kek(char fill) { return KeyEncryption::from_bytes(std::string(32, fill)).value(); }

Result<std::vector<SigningKey>> rotate(const std::string& db, const KeyEncryption& k, TimePoint now,
                                       RotationPolicy policy, bool force) {
  return pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<std::vector<SigningKey>>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    KeyStore store(pool, k);
    co_return co_await store.rotate(now, policy, force);
  });
}

Result<std::vector<SigningKey>> load(const std::string& db, const KeyEncryption& k,
                                     TimePoint now) {
  return pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<std::vector<SigningKey>>> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 1});
    KeyStore store(pool, k);
    co_return co_await store.load(now);
  });
}

Result<pg::Rows> sql(const std::string& db, std::string statement) {
  return pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<pg::Rows>> {
    auto conn = co_await pg::Connection::connect(ex, db);
    if (!conn.ok()) co_return conn.error();
    co_return co_await (*conn)->execute(statement);
  });
}

TEST(KeyStore, CreatesSealsAndReloads) {
  std::string db = testing::migrated_database();
  KeyEncryption k = kek('a');
  auto keys = rotate(db, k, kT0, {}, false);
  ASSERT_TRUE(keys.ok()) << keys.error().to_string();
  ASSERT_EQ(keys->size(), 1u);
  std::string kid = keys->at(0).key.kid();

  // At rest: no PEM, no private JWK members, only the sealed value and the KEK id.
  auto rows = sql(db, "SELECT private_key_sealed, kek_id, public_jwk::text FROM identity.signing_keys");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1);
  std::string sealed = (*rows)[0].get<std::string>(0);
  EXPECT_TRUE(sealed.starts_with("v1."));
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ((*rows)[0].get<std::string>(1), k.kek_id());
  EXPECT_EQ((*rows)[0].get<std::string>(2).find("\"d\""), std::string::npos);

  auto loaded = load(db, k, kT0 + seconds(1));
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->at(0).key.kid(), kid);
  EXPECT_TRUE(loaded->at(0).key.has_private());
  EXPECT_TRUE(loaded->at(0).key.same_material(keys->at(0).key));

  // A second start does not create another key.
  auto again = rotate(db, k, kT0 + hours(1), {}, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 1u);
}

TEST(KeyStore, RotationKeepsOldKeyDuringOverlap) {
  std::string db = testing::migrated_database();
  KeyEncryption k = kek('a');
  RotationPolicy policy{.rotate_after = hours(24), .overlap = hours(2)};
  ASSERT_TRUE(rotate(db, k, kT0, policy, false).ok());
  auto rotated = rotate(db, k, kT0 + hours(25), policy, false);
  ASSERT_TRUE(rotated.ok());
  ASSERT_EQ(rotated->size(), 2u);

  auto during = load(db, k, kT0 + hours(26));
  ASSERT_TRUE(during.ok());
  ASSERT_EQ(during->size(), 2u);
  KeyRing ring(*during);
  EXPECT_EQ(ring.published(kT0 + hours(26)).size(), 2u);
  EXPECT_EQ(ring.active(kT0 + hours(26))->key.kid(), rotated->at(1).key.kid());

  auto after = load(db, k, kT0 + hours(27) + seconds(1));
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->at(0).key.kid(), rotated->at(1).key.kid());
}

TEST(KeyStore, WrongKekIsNamedAndTamperIsDetected) {
  std::string db = testing::migrated_database();
  ASSERT_TRUE(rotate(db, kek('a'), kT0, {}, false).ok());

  auto wrong = load(db, kek('b'), kT0);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), Code::kFailedPrecondition);
  EXPECT_NE(wrong.error().message().find(kek('a').kek_id()), std::string::npos);
  EXPECT_NE(wrong.error().message().find(kek('b').kek_id()), std::string::npos);

  // Flip one character of the sealed value in the database.
  ASSERT_TRUE(sql(db, "UPDATE identity.signing_keys SET private_key_sealed = "
                      "overlay(private_key_sealed placing "
                      "CASE WHEN substr(private_key_sealed, 40, 1) = 'A' THEN 'B' ELSE 'A' END "
                      "from 40 for 1)")
                  .ok());
  auto tampered = load(db, kek('a'), kT0);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().code(), Code::kUnauthenticated);

  // A sealed key moved onto another row (kid) does not open either.
  std::string db2 = testing::migrated_database();
  ASSERT_TRUE(rotate(db2, kek('a'), kT0, {}, false).ok());
  ASSERT_TRUE(sql(db2, "UPDATE identity.signing_keys SET kid = 'other'").ok());
  auto moved = load(db2, kek('a'), kT0);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code(), Code::kUnauthenticated);
}

TEST(KeyStore, ConcurrentFirstStartsCreateOneKey) {
  std::string db = testing::migrated_database();
  KeyEncryption k = kek('a');
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      if (rotate(db, k, kT0, {}, false).ok()) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 3);
  auto rows = sql(db, "SELECT count(*) FROM identity.signing_keys");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].get<int64_t>(0), 1);
}

}  // namespace
}  // namespace dts::identity
