#include "common/pg/listener.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>

#include "common/pg/admin.hpp"
#include "common/pg/testing.hpp"

namespace dts::pg {
namespace {

using std::chrono::milliseconds;

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(milliseconds(20));
  }
  return done();
}

TEST(PgListener, DeliversNotificationsAndRelistensAfterServerRestart) {
  std::string db = testing::fresh_database();
  boost::asio::io_context io;
  std::vector<std::string> received;
  int connects = 0;
  Listener listener(io.get_executor(), {.conninfo = db,
                                        .channels = {"jobs", "Mixed Case"},
                                        .on_notification =
                                            [&](const Notification& n) {
                                              received.push_back(n.channel + ":" + n.payload);
                                            },
                                        .on_connected = [&] { ++connects; },
                                        .backoff_initial = milliseconds(20),
                                        .backoff_max = milliseconds(200)});
  listener.start();
  ASSERT_TRUE(run_until(
      io, [&] { return connects == 1; }, milliseconds(5000)));
  EXPECT_TRUE(listener.connected());

  ASSERT_TRUE(admin_execute(db, "NOTIFY jobs, 'one'").ok());
  ASSERT_TRUE(admin_execute(db, "SELECT pg_notify('Mixed Case', 'two')").ok());
  ASSERT_TRUE(admin_execute(db, "NOTIFY unrelated, 'x'").ok());
  ASSERT_TRUE(run_until(
      io, [&] { return received.size() >= 2; }, milliseconds(5000)));
  EXPECT_EQ(received, (std::vector<std::string>{"jobs:one", "Mixed Case:two"}));

  EmbeddedPostgres& server = testing::cluster();
  ASSERT_TRUE(server.stop().ok());
  ASSERT_TRUE(server.start().ok());
  ASSERT_TRUE(run_until(
      io, [&] { return connects == 2; }, milliseconds(10000)));
  ASSERT_TRUE(admin_execute(db, "NOTIFY jobs, 'three'").ok());
  ASSERT_TRUE(run_until(
      io, [&] { return received.size() >= 3; }, milliseconds(5000)));
  EXPECT_EQ(received.back(), "jobs:three");

  listener.stop();
  io.restart();
  io.run_for(milliseconds(200));
  EXPECT_FALSE(listener.connected());
}

}  // namespace
}  // namespace dts::pg
