#include "common/pg/embedded.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "common/pg/admin.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

bool alive(pid_t pid) { return pid > 0 && kill(pid, 0) == 0; }

class EmbeddedPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dts-emb-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
  }
  void TearDown() override { fs::remove_all(base_); }

  EmbeddedOptions options() { return {.base_dir = base_, .durable = false}; }

  fs::path base_;
};

TEST_F(EmbeddedPostgresTest, InitializesOnceReusesTheClusterAndStopsCleanly) {
  pid_t first_pid = 0;
  {
    EmbeddedPostgres server(options());
    Status started = server.start();
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    first_pid = server.pid();
    EXPECT_TRUE(alive(first_pid));
    EXPECT_TRUE(fs::exists(server.data_dir() / "PG_VERSION"));
    struct stat st {};
    ASSERT_EQ(stat(server.socket_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    if (geteuid() == 0) {
      EXPECT_NE(st.st_uid, 0u) << "the server must not run as root";
    }
    ASSERT_TRUE(admin_execute(server.conninfo(), "CREATE TABLE kept (id int)").ok());
    auto version_time = fs::last_write_time(server.data_dir() / "PG_VERSION");

    ASSERT_TRUE(server.stop().ok());
    EXPECT_FALSE(server.running());
    EXPECT_FALSE(alive(first_pid));

    ASSERT_TRUE(server.start().ok());
    EXPECT_EQ(fs::last_write_time(server.data_dir() / "PG_VERSION"), version_time);
    EXPECT_TRUE(admin_execute(server.conninfo(), "SELECT * FROM kept").ok());
    first_pid = server.pid();
  }
  // The destructor shut the server down: no orphan left behind.
  EXPECT_FALSE(alive(first_pid));
}

TEST_F(EmbeddedPostgresTest, RecoversFromAStaleLockOfADeadServer) {
  EmbeddedPostgres server(options());
  ASSERT_TRUE(server.start().ok());
  pid_t pid = server.pid();
  kill(pid, SIGKILL);  // a crash: postmaster.pid stays behind
  for (int i = 0; i < 100 && server.running(); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_FALSE(server.running());
  EXPECT_TRUE(fs::exists(server.data_dir() / "postmaster.pid"));
  std::this_thread::sleep_for(milliseconds(300));  // let orphaned backends notice and exit
  Status restarted = server.start();
  ASSERT_TRUE(restarted.ok()) << restarted.error().to_string();
  EXPECT_TRUE(admin_execute(server.conninfo(), "SELECT 1").ok());
}

TEST_F(EmbeddedPostgresTest, RefusesASecondServerOnTheSameCluster) {
  EmbeddedPostgres first(options());
  ASSERT_TRUE(first.start().ok());
  EmbeddedPostgres second(options());
  Status dup = second.start();
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), Code::kFailedPrecondition);
  EXPECT_NE(dup.error().message().find("already running"), std::string::npos);
  EXPECT_TRUE(first.running());
}

TEST_F(EmbeddedPostgresTest, OptionalTcpListenerRequiresPasswords) {
  EmbeddedOptions opts = options();
  opts.tcp = true;
  opts.port = 0;
  EmbeddedPostgres server(opts);
  ASSERT_TRUE(server.start().ok());
  EXPECT_GT(server.port(), 0);
  ASSERT_TRUE(server.create_service_role("tcpsvc", "pw-tcp").ok());
  std::string port = std::to_string(server.port());
  std::string good = make_conninfo({{"host", "127.0.0.1"},
                                    {"port", port},
                                    {"user", "tcpsvc"},
                                    {"password", "pw-tcp"},
                                    {"dbname", "postgres"}});
  EXPECT_TRUE(admin_execute(good, "SELECT 1").ok());
  std::string admin_tcp = make_conninfo(
      {{"host", "127.0.0.1"}, {"port", port}, {"user", "dts_admin"}, {"dbname", "postgres"}});
  EXPECT_FALSE(admin_execute(admin_tcp, "SELECT 1").ok()) << "trust only on the unix socket";
}

// Roles made by create_service_role own their schema and nothing more.
TEST(EmbeddedPostgres, ServiceRolesHaveLeastPrivilege) {
  testing::TestDatabase db = testing::new_database();
  EmbeddedPostgres& server = testing::cluster();
  ASSERT_TRUE(server.create_service_role("alpha", "pw-alpha", db.name).ok());
  ASSERT_TRUE(server.create_service_role("beta", "pw-beta", db.name).ok());
  ASSERT_TRUE(server.create_service_role("alpha", "pw-alpha2", db.name).ok()) << "idempotent";
  std::string alpha = server.conninfo(db.name, "alpha", "pw-alpha2");
  std::string beta = server.conninfo(db.name, "beta", "pw-beta");

  ASSERT_TRUE(admin_execute(alpha, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)").ok());
  EXPECT_TRUE(admin_execute(alpha, "SELECT * FROM alpha.t").ok());
  Status cross = admin_execute(beta, "SELECT * FROM alpha.t");
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().code(), Code::kPermissionDenied) << cross.error().to_string();
  EXPECT_FALSE(admin_execute(alpha, "CREATE DATABASE nope").ok());
  EXPECT_FALSE(admin_execute(alpha, "CREATE SCHEMA other").ok());
  EXPECT_FALSE(admin_execute(alpha, "CREATE TABLE public.x (id int)").ok());
  EXPECT_FALSE(admin_execute(alpha, "CREATE ROLE gamma").ok());
  Status wrong = admin_execute(server.conninfo(db.name, "alpha", "pw-alpha"), "SELECT 1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), Code::kUnavailable);
  EXPECT_FALSE(create_service_role(server.conninfo(db.name), "Bad Name", "x").ok());
}

}  // namespace
}  // namespace dts::pg
