// Decision log events: masking, input opt-in, and one line per decision over HTTP.

#include "policy/pdp/decision_log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/log.hpp"
#include "policy/pdp/test_harness.hpp"

namespace dts::policy::pdp {
namespace {

using testing::Harness;
using testing::TempDir;

TEST(PdpDecisionLog, MasksListedFieldsAndOmitsInputByDefault) {
  auto input = std::optional<rego::Value>(
      *rego::Value::from_json(R"({"user":"alice","password":"hunter2","card":{"pan":"4111"}})"));
  auto result = std::optional<rego::Value>(rego::Value::boolean(true));
  Decision d;
  d.decision_id = "id-1";
  d.path = "authz/allow";
  d.input = &input;
  d.result = &result;

  DecisionLogger without_input({true, false, {"/input/password"}});
  auto ev = without_input.event(d);
  EXPECT_FALSE(ev.contains("input"));
  EXPECT_EQ(ev.at("result"), boost::json::value(true));
  EXPECT_EQ(ev.at("path"), boost::json::value("authz/allow"));

  DecisionLogger with_input({true, true, parse_mask_list("/input/password, /input/card/pan,/x")});
  ev = with_input.event(d);
  EXPECT_EQ(ev.at("input").at("password"), boost::json::value("**REDACTED**"));
  EXPECT_EQ(ev.at("input").at("card").at("pan"), boost::json::value("**REDACTED**"));
  EXPECT_EQ(ev.at("input").at("user"), boost::json::value("alice"));
  EXPECT_FALSE(ev.contains("x"));
  for (const char* key : {"decision_id", "timestamp", "duration_ms", "request_id"}) {
    EXPECT_TRUE(ev.contains(key)) << key;
  }
}

TEST(PdpDecisionLog, OneMaskedLinePerDecisionOverHttp) {
  TempDir dir;
  dir.write("authz.rego", "package authz\nimport rego.v1\n\nallow if input.user == \"alice\"\n");
  auto config = Harness::test_config();
  config.decision_log = {true, true, {"/input/password"}};
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  log::set_fd(fds[1]);
  std::string body;
  {
    Harness h(dir.path().string(), config);
    auto r = h.call("POST", "/v1/data/authz/allow",
                    R"({"input":{"user":"alice","password":"hunter2"}})");
    body = r.body;
  }
  log::set_fd(1);
  std::string logs;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) {
    logs.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  close(fds[1]);
  auto reply = boost::json::parse(body);
  ASSERT_TRUE(reply.as_object().contains("decision_id")) << body;
  std::string id(reply.at("decision_id").as_string());
  auto pos = logs.find(id);
  ASSERT_NE(pos, std::string::npos) << logs;
  auto line_start = logs.rfind('\n', pos) + 1;
  auto line = logs.substr(line_start, logs.find('\n', pos) - line_start);
  EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
  EXPECT_NE(line.find("**REDACTED**"), std::string::npos) << line;
  EXPECT_NE(line.find("\"result\":true"), std::string::npos) << line;
  EXPECT_NE(line.find("\"path\":\"authz/allow\""), std::string::npos) << line;
}

}  // namespace
}  // namespace dts::policy::pdp
