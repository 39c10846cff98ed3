// Bundle hot reload over real HTTP: atomic swaps under load, refused versions.

#include "policy/pdp/bundle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <thread>

#include "policy/pdp/test_harness.hpp"

namespace dts::policy::pdp {
namespace {

using namespace std::chrono_literals;
using testing::Harness;
using testing::TempDir;

std::string version_module(const std::string& v) {
  return "package app\nimport rego.v1\n\nversion := \"" + v + "\"\n\nallow if input.ok\n";
}

constexpr const char* kAppTest = R"(package app_test
import rego.v1

test_allow if data.app.allow with input as {"ok": true}
)";

// Polls until `pred` holds or `limit` passes; returns how long it took.
template <typename Pred>
std::chrono::milliseconds wait_until(Pred pred, std::chrono::milliseconds limit) {
  auto start = std::chrono::steady_clock::now();
  while (!pred()) {
    if (std::chrono::steady_clock::now() - start > limit) {
      return limit + 1ms;
    }
    std::this_thread::sleep_for(20ms);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

TEST(PdpBundle, HotReloadUnderLoadLosesNoRequest) {
  TempDir dir;
  dir.write("app/app.rego", version_module("v1"));
  dir.write("app/app_test.rego", kAppTest);
  Harness h(dir.path().string());
  ASSERT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v1"})");

  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::atomic<int> failed{0};
  std::string last_failure;
  std::thread load([&] {
    while (!stop.load()) {
      auto r = h.call("POST", "/v1/data/app/version", R"({"input":{"ok":true}})");
      ++sent;
      if (r.status != 200 || (r.body != R"({"result":"v1"})" && r.body != R"({"result":"v2"})" &&
                              r.body != R"({"result":"v3"})")) {
        if (failed.fetch_add(1) == 0) {
          last_failure = std::to_string(r.status) + " " + r.body;
        }
      }
    }
  });

  for (const char* v : {"v2", "v3"}) {
    std::this_thread::sleep_for(150ms);
    dir.write("app/app.rego", version_module(v));
    std::string want = std::string(R"({"result":")") + v + "\"}";
    auto took =
        wait_until([&] { return h.call("GET", "/v1/data/app/version").body == want; }, 2000ms);
    EXPECT_LE(took, 2000ms) << "new version " << v << " not visible";
  }
  std::this_thread::sleep_for(100ms);
  stop = true;
  load.join();
  EXPECT_GT(sent.load(), 10);
  EXPECT_EQ(failed.load(), 0) << last_failure;
  EXPECT_EQ(h.call("GET", "/health?bundles").status, 200);
}

TEST(PdpBundle, BrokenPolicyKeepsOldVersionAndShowsInHealth) {
  TempDir dir;
  dir.write("app/app.rego", version_module("v1"));
  Harness h(dir.path().string());
  ASSERT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v1"})");

  dir.write("app/app.rego", "package app\n\nversion := \"v2\n");
  auto took = wait_until([&] { return h.call("GET", "/health?bundles").status == 500; }, 2000ms);
  ASSERT_LE(took, 2000ms);
  auto health = h.call("GET", "/health?bundles").json();
  EXPECT_NE(health.at("bundle_error").as_string().find("app/app.rego"), std::string::npos)
      << boost::json::serialize(health);
  EXPECT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v1"})");
  EXPECT_EQ(h.call("GET", "/readyz").status, 200);  // still serving the old version

  // Fixing the file activates it and clears the error.
  dir.write("app/app.rego", version_module("v3"));
  took = wait_until([&] { return h.call("GET", "/health?bundles").status == 200; }, 2000ms);
  ASSERT_LE(took, 2000ms);
  EXPECT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v3"})");
}

TEST(PdpBundle, FailingBundleTestRefusesVersion) {
  TempDir dir;
  dir.write("app/app.rego", version_module("v1"));
  dir.write("app/app_test.rego", kAppTest);
  Harness h(dir.path().string());
  ASSERT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v1"})");

  // v2 compiles but breaks `allow`, so its own test fails.
  dir.write("app/app.rego",
            "package app\nimport rego.v1\n\nversion := \"v2\"\n\nallow if input.never\n");
  auto took = wait_until([&] { return h.call("GET", "/health?bundles").status == 500; }, 2000ms);
  ASSERT_LE(took, 2000ms);
  auto body = h.call("GET", "/health?bundles").body;
  EXPECT_NE(body.find("test_allow"), std::string::npos) << body;
  EXPECT_EQ(h.call("GET", "/v1/data/app/version").body, R"({"result":"v1"})");
}

TEST(PdpBundle, LoadBundlePlacesDataByDirectory) {
  TempDir dir;
  dir.write("a/b/data.json", R"({"x": 1})");
  dir.write("data.yaml", "top: true\n");
  dir.write("p.rego", "package p\n\ny := data.a.b.x\n");
  auto loaded = load_bundle(dir.path());
  ASSERT_TRUE(std::holds_alternative<LoadedBundle>(loaded));
  const auto& b = std::get<LoadedBundle>(loaded);
  EXPECT_EQ(b.data.to_json(), R"({"a":{"b":{"x":1}},"top":true})");
  ASSERT_EQ(b.modules.count("p.rego"), 1u);
}

}  // namespace
}  // namespace dts::policy::pdp
