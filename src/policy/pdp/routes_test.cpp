// The OPA REST API over real HTTP against an in-process PDP (bundle in a temp dir).

#include "policy/pdp/routes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "policy/pdp/test_harness.hpp"

namespace dts::policy::pdp {
namespace {

using testing::Harness;
using testing::TempDir;

constexpr const char* kAuthz = R"(package authz
import rego.v1

default allow := false

allow if {
  input.user == data.admins[_]
}

greeting := sprintf("hello %v", [input.user])
)";

constexpr const char* kMain = R"(package system
import rego.v1

main := {"allowed": data.authz.allow, "user": input.user}
)";

void write_bundle(const TempDir& dir) {
  dir.write("authz.rego", kAuthz);
  dir.write("system.rego", kMain);
  dir.write("data.json", R"({"admins": ["alice"]})");
  dir.write("config/data.json", R"({"limit": 3})");
}

TEST(PdpApi, DataQueryWithInputAndUndefined) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());

  auto r = h.call("POST", "/v1/data/authz/allow", R"({"input": {"user": "alice"}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"result":true})");

  r = h.call("POST", "/v1/data/authz/allow", R"({"input": {"user": "bob"}})");
  EXPECT_EQ(r.body, R"({"result":false})");

  r = h.call("POST", "/v1/data/authz/greeting", R"({"input": {"user": "bob"}})");
  EXPECT_EQ(r.body, R"({"result":"hello bob"})");

  // Undefined: 200 and no "result" key.
  r = h.call("POST", "/v1/data/authz/nothing_here", R"({"input": {}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");

  // GET without input; data placed by directory path.
  r = h.call("GET", "/v1/data/config/limit");
  EXPECT_EQ(r.body, R"({"result":3})");
  r = h.call("GET", "/v1/data/admins/0");
  EXPECT_EQ(r.body, R"({"result":"alice"})");
  r = h.call("GET", "/v1/data/authz/allow?input=%7B%22user%22%3A%22alice%22%7D");
  EXPECT_EQ(r.body, R"({"result":true})");

  // The whole document includes rule values.
  r = h.call("GET", "/v1/data");
  auto whole = r.json();
  ASSERT_TRUE(whole.is_object()) << r.body;
  EXPECT_EQ(whole.at("result").at("authz").at("allow"), boost::json::value(false));
  EXPECT_EQ(whole.at("result").at("config").at("limit"), boost::json::value(3));

  // POST without an input key warns, as OPA does.
  r = h.call("POST", "/v1/data/authz/allow", "{}");
  EXPECT_EQ(r.json().at("warning").at("code"), boost::json::value("api_usage_warning"));
}

TEST(PdpApi, PrettyAndMetrics) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());
  auto r = h.call("GET", "/v1/data/config?pretty=true&metrics=true");
  EXPECT_NE(r.body.find("\n  \"result\": {\n    \"limit\": 3\n  }"), std::string::npos) << r.body;
  auto v = r.json();
  EXPECT_TRUE(v.at("metrics").as_object().contains("timer_rego_query_eval_ns"));
  EXPECT_TRUE(v.at("metrics").as_object().contains("timer_server_handler_ns"));
}

TEST(PdpApi, DefaultDecision) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());
  auto r = h.call("POST", "/", R"({"user": "alice"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"allowed":true,"user":"alice"})");

  ASSERT_EQ(h.call("DELETE", "/v1/policies/system.rego").status, 200);
  r = h.call("POST", "/", R"({"user": "alice"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("code"), boost::json::value("undefined_document"));
}

TEST(PdpApi, PoliciesPutGetDelete) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());

  auto r = h.call("GET", "/v1/policies");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("result").as_array().size(), 2u);

  const std::string module = "package extra\nimport rego.v1\n\nanswer := 42\n";
  r = h.call("PUT", "/v1/policies/team/extra", module);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(h.call("GET", "/v1/data/extra/answer").body, R"({"result":42})");

  r = h.call("GET", "/v1/policies/team/extra");
  EXPECT_EQ(r.json().at("result").at("raw"), boost::json::value(module));
  EXPECT_EQ(r.json().at("result").at("id"), boost::json::value("team/extra"));

  // A broken module: OPA's 400 shape with the parse error's location; nothing changes.
  r = h.call("PUT", "/v1/policies/team/extra", "package extra\n\nanswer := \n  [1,\n");
  EXPECT_EQ(r.status, 400);
  auto err = r.json();
  ASSERT_TRUE(err.is_object()) << r.body;
  EXPECT_EQ(err.at("code"), boost::json::value("invalid_parameter"));
  ASSERT_FALSE(err.at("errors").as_array().empty()) << r.body;
  const auto& first = err.at("errors").as_array()[0];
  EXPECT_EQ(first.at("code"), boost::json::value("rego_parse_error"));
  EXPECT_EQ(first.at("location").at("file"), boost::json::value("team/extra"));
  EXPECT_GE(first.at("location").at("row").as_int64(), 3);
  EXPECT_EQ(h.call("GET", "/v1/data/extra/answer").body, R"({"result":42})");

  // A compile error (unsafe variable) is refused the same way.
  r = h.call("PUT", "/v1/policies/bad", "package bad\nimport rego.v1\n\np if { x > 1 }\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("message"),
            boost::json::value("error(s) occurred while compiling module(s)"));

  EXPECT_EQ(h.call("DELETE", "/v1/policies/team/extra").status, 200);
  EXPECT_EQ(h.call("GET", "/v1/data/extra/answer").body, "{}");
  r = h.call("GET", "/v1/policies/team/extra");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("code"), boost::json::value("resource_not_found"));
  EXPECT_EQ(h.call("DELETE", "/v1/policies/team/extra").status, 404);
}

TEST(PdpApi, DataPutPatchDelete) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());

  EXPECT_EQ(h.call("PUT", "/v1/data/servers/web", R"({"port": 80})").status, 204);
  EXPECT_EQ(h.call("GET", "/v1/data/servers").body, R"({"result":{"web":{"port":80}}})");
  // Create-only PUT.
  EXPECT_EQ(h.call("PUT", "/v1/data/servers/web", "{}", "If-None-Match: *\r\n").status, 304);

  auto r = h.call("PATCH", "/v1/data/servers",
                  R"([{"op":"add","path":"/db","value":{"port":5432}},
                      {"op":"replace","path":"/web/port","value":8080},
                      {"op":"remove","path":"/web"}])");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(h.call("GET", "/v1/data/servers").body, R"({"result":{"db":{"port":5432}}})");

  // A failing patch is atomic and answers in OPA's shape.
  r = h.call("PATCH", "/v1/data/servers",
             R"([{"op":"add","path":"/x","value":1},{"op":"remove","path":"/nope"}])");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("code"), boost::json::value("resource_not_found"));
  EXPECT_EQ(h.call("GET", "/v1/data/servers").body, R"({"result":{"db":{"port":5432}}})");

  // Rules see written data.
  EXPECT_EQ(h.call("PUT", "/v1/data/admins", R"(["bob"])").status, 204);
  EXPECT_EQ(h.call("POST", "/v1/data/authz/allow", R"({"input":{"user":"bob"}})").body,
            R"({"result":true})");

  EXPECT_EQ(h.call("DELETE", "/v1/data/servers/db").status, 204);
  EXPECT_EQ(h.call("GET", "/v1/data/servers").body, R"({"result":{}})");
  EXPECT_EQ(h.call("DELETE", "/v1/data/servers/db").status, 404);
}

TEST(PdpApi, MalformedAndOversizedBodiesKeepServing) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());
  for (const std::string body : {"{\"input\": ", "not json", "[1,2", "{\"input\":1}}"}) {
    auto r = h.call("POST", "/v1/data/authz/allow", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.json().at("code"), boost::json::value("invalid_parameter")) << r.body;
  }
  std::string big = R"({"input":{"pad":")" + std::string(20 * 1024, 'x') + "\"}}";
  auto r = h.call("POST", "/v1/data/authz/allow", big);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("code"), boost::json::value("invalid_parameter"));
  EXPECT_EQ(h.call("PUT", "/v1/data/x", "{oops").status, 400);
  EXPECT_EQ(h.call("POST", "/", "[").status, 400);
  // Deep nesting is refused, not a crash.
  std::string deep = "{\"input\":" + std::string(3000, '[') + std::string(3000, ']') + "}";
  EXPECT_EQ(h.call("POST", "/v1/data/authz/allow", deep).status, 400);

  r = h.call("POST", "/v1/data/authz/allow", R"({"input": {"user": "alice"}})");
  EXPECT_EQ(r.body, R"({"result":true})");
}

TEST(PdpApi, EvaluationDeadlineIsAnOpaErrorAndServerKeepsServing) {
  TempDir dir;
  dir.write("slow.rego", R"(package slow
import rego.v1

n := count([1 | some i in numbers.range(1, 4000); some j in numbers.range(1, 4000)])
fast := 1
)");
  auto config = Harness::test_config();
  config.eval_timeout = std::chrono::milliseconds(50);
  Harness h(dir.path().string(), config);
  auto start = std::chrono::steady_clock::now();
  auto r = h.call("GET", "/v1/data/slow/n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(r.json().at("code"), boost::json::value("internal_error"));
  EXPECT_EQ(r.json().at("errors").at(0).at("code"), boost::json::value("eval_cancel_error"));
  EXPECT_EQ(h.call("GET", "/v1/data/slow/fast").body, R"({"result":1})");
}

TEST(PdpApi, ApiWritesDuringReadsNeverFailARequest) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::atomic<int> sent{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto r = h.call("POST", "/v1/data/authz/allow", R"({"input":{"user":"alice"}})");
        ++sent;
        if (r.status != 200 || r.body != R"({"result":true})") {
          ++failed;
        }
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    std::string module = "package gen\nimport rego.v1\n\nv := " + std::to_string(i) + "\n";
    EXPECT_EQ(h.call("PUT", "/v1/policies/gen", module).status, 200);
    EXPECT_EQ(h.call("PUT", "/v1/data/counter", std::to_string(i)).status, 204);
  }
  stop = true;
  for (auto& t : readers) {
    t.join();
  }
  EXPECT_GT(sent.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(h.call("GET", "/v1/data/gen/v").body, R"({"result":19})");
  EXPECT_EQ(h.call("GET", "/v1/data/counter").body, R"({"result":19})");
}

TEST(PdpApi, StrictBuiltinErrorsAndTrailingSlash) {
  TempDir dir;
  dir.write("b.rego", "package b\nimport rego.v1\n\nx := to_number(input.s)\n");
  Harness h(dir.path().string());
  auto r = h.call("POST", "/v1/data/b/x", R"({"input":{"s":"nope"}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  r = h.call("POST", "/v1/data/b/x?strict-builtin-errors", R"({"input":{"s":"nope"}})");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(h.call("POST", "/v1/data/b/x/", R"({"input":{"s":"12"}})").body, R"({"result":12})");
}

TEST(PdpApi, HealthAndReadiness) {
  TempDir dir;
  write_bundle(dir);
  Harness h(dir.path().string());
  EXPECT_EQ(h.call("GET", "/health").body, "{}");
  EXPECT_EQ(h.call("GET", "/health?bundles").status, 200);
  EXPECT_EQ(h.call("GET", "/readyz").status, 200);

  // Decision counters and the latency histogram are exported.
  h.call("POST", "/v1/data/authz/allow", R"({"input": {"user": "alice"}})");
  std::string metrics = h.call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("policy_decisions_total{outcome=\"defined\"}"), std::string::npos);
  EXPECT_NE(metrics.find("policy_eval_duration_seconds_bucket"), std::string::npos);
}

TEST(PdpApi, MissingBundleIsNotReady) {
  TempDir dir;
  Harness h((dir.path() / "absent").string());
  EXPECT_EQ(h.call("GET", "/health?bundles").status, 500);
  EXPECT_EQ(h.call("GET", "/health").status, 200);
  EXPECT_EQ(h.call("GET", "/readyz").status, 503);
}

}  // namespace
}  // namespace dts::policy::pdp
