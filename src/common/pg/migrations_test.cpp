#include "common/pg/migrations.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/pg/admin.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

namespace fs = std::filesystem;

// A temporary migrations root, deleted with the test.
class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dts-migr-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    db_ = testing::new_database();
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& service, const std::string& name, const std::string& sql) {
    fs::create_directories(root_ / service);
    std::ofstream(root_ / service / name) << sql;
  }

  // One value from the database, as text ("" for no row).
  std::string scalar(const std::string& sql) {
    auto rows = block_on([&](Executor ex) -> Awaitable<Result<Rows>> {
      auto conn = co_await Connection::connect(ex, db_.conninfo);
      if (!conn.ok()) {
        co_return conn.error();
      }
      co_return co_await (*conn)->execute(sql);
    });
    EXPECT_TRUE(rows.ok()) << rows.error().to_string();
    if (!rows.ok() || rows->empty()) {
      return "";
    }
    return std::string((*rows)[0].opt<std::string_view>(0).value_or("NULL"));
  }

  fs::path root_;
  testing::TestDatabase db_;
};

TEST_F(MigrationsTest, AppliesInOrderOnceAndIsIdempotent) {
  write("svc", "0001_items.sql", "CREATE TABLE items (id int PRIMARY KEY);");
  write("svc", "0002_names.sql",
        "ALTER TABLE items ADD COLUMN name text;\nINSERT INTO items VALUES (1, 'one');");
  write("svc", "README.md", "ignored");

  auto first = migrate(db_.conninfo, root_, "svc");
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->applied, (std::vector<std::string>{"0001_items.sql", "0002_names.sql"}));
  EXPECT_EQ(first->version, 2);
  EXPECT_EQ(scalar("SELECT name FROM svc.items"), "one");
  EXPECT_EQ(scalar("SELECT string_agg(version || ':' || name, ',' ORDER BY version) "
                   "FROM svc.schema_migrations"),
            "1:0001_items.sql,2:0002_names.sql");
  EXPECT_EQ(scalar("SELECT checksum FROM svc.schema_migrations WHERE version = 1"),
            sha256_hex("CREATE TABLE items (id int PRIMARY KEY);"));
  EXPECT_EQ(migrations_current(db_.conninfo, root_, "svc").value_or(false), true);

  auto again = migrate(db_.conninfo, root_, "svc");
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->already_applied, 2u);
  EXPECT_EQ(scalar("SELECT count(*) FROM svc.items"), "1");

  write("svc", "0003_more.sql", "CREATE TABLE more (id int);");
  EXPECT_EQ(migrations_current(db_.conninfo, root_, "svc").value_or(true), false);
  auto third = migrate(db_.conninfo, root_, "svc");
  ASSERT_TRUE(third.ok()) << third.error().to_string();
  EXPECT_EQ(third->applied, (std::vector<std::string>{"0003_more.sql"}));
  EXPECT_EQ(migrations_current(db_.conninfo, root_, "svc").value_or(false), true);
}

TEST_F(MigrationsTest, ChangedAppliedFileIsAnErrorNamingTheFile) {
  write("svc", "0001_items.sql", "CREATE TABLE items (id int);");
  ASSERT_TRUE(migrate(db_.conninfo, root_, "svc").ok());
  write("svc", "0001_items.sql", "CREATE TABLE items (id bigint);");
  auto changed = migrate(db_.conninfo, root_, "svc");
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code(), Code::kFailedPrecondition);
  EXPECT_NE(changed.error().message().find("svc/0001_items.sql"), std::string::npos);
  EXPECT_NE(changed.error().message().find("changed"), std::string::npos);
  auto current = migrations_current(db_.conninfo, root_, "svc");
  ASSERT_FALSE(current.ok());
  EXPECT_NE(current.error().message().find("0001_items.sql"), std::string::npos);
}

TEST_F(MigrationsTest, FailedMigrationLeavesNothingHalfApplied) {
  write("svc", "0001_ok.sql", "CREATE TABLE ok (id int);");
  write("svc", "0002_broken.sql",
        "CREATE TABLE half (id int);\nINSERT INTO ok VALUES (1);\n"
        "CREATE TABLE bad (id no_such_type);");
  auto failed = migrate(db_.conninfo, root_, "svc");
  ASSERT_FALSE(failed.ok());
  const std::string& message = failed.error().message();
  EXPECT_NE(message.find("svc/0002_broken.sql"), std::string::npos) << message;
  EXPECT_NE(message.find("type \"no_such_type\" does not exist"), std::string::npos) << message;
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_EQ(scalar("SELECT to_regclass('svc.half') IS NULL"), "t");
  EXPECT_EQ(scalar("SELECT count(*) FROM svc.ok"), "0");
  EXPECT_EQ(scalar("SELECT string_agg(version::text, ',') FROM svc.schema_migrations"), "1");
  EXPECT_EQ(migrations_current(db_.conninfo, root_, "svc").value_or(true), false);
}

TEST_F(MigrationsTest, NumberingAndNamingErrorsAreCaughtBeforeTouchingTheDatabase) {
  write("gap", "0001_a.sql", "SELECT 1;");
  write("gap", "0003_c.sql", "SELECT 1;");
  auto gap = migrate(db_.conninfo, root_, "gap");
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.error().message().find("gap"), std::string::npos);
  EXPECT_NE(gap.error().message().find("0003_c.sql"), std::string::npos);

  write("dup", "0001_a.sql", "SELECT 1;");
  write("dup", "0001_b.sql", "SELECT 1;");
  auto dup = migrate(db_.conninfo, root_, "dup");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message().find("duplicate"), std::string::npos);

  write("badname", "init.sql", "SELECT 1;");
  auto bad = migrate(db_.conninfo, root_, "badname");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("init.sql"), std::string::npos);

  EXPECT_EQ(migrate(db_.conninfo, root_, "missing").error().code(), Code::kNotFound);
  EXPECT_EQ(migrate(db_.conninfo, root_, "Bad-Name").error().code(), Code::kInvalidArgument);
  EXPECT_EQ(scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ('gap','dup','badname')"),
            "0");
}

TEST_F(MigrationsTest, FileThatCommitsItselfIsRejected) {
  write("svc", "0001_commit.sql", "CREATE TABLE x (id int); COMMIT;");
  auto r = migrate(db_.conninfo, root_, "svc");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("0001_commit.sql"), std::string::npos);
}

TEST_F(MigrationsTest, ServiceRoleOwnsItsTablesAndRepositorySelftestApplies) {
  ASSERT_TRUE(testing::cluster().create_service_role("selftest", "s3cret", db_.name).ok());
  std::string as_service = testing::cluster().conninfo(db_.name, "selftest", "s3cret");
  fs::path repo = fs::path(DTS_SOURCE_DIR) / "migrations";
  auto report = migrate(as_service, repo, "selftest");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->applied.front(), "0001_init.sql");
  EXPECT_EQ(migrations_current(as_service, repo, "selftest").value_or(false), true);
  EXPECT_EQ(scalar("SELECT tableowner FROM pg_tables WHERE schemaname = 'selftest' AND "
                   "tablename = 'probe'"),
            "selftest");
}

}  // namespace
}  // namespace dts::pg
