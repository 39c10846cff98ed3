#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinMisc, Units) {
  EXPECT_EQ(run("units.parse", {S("10K")}), "10000");
  EXPECT_EQ(run("units.parse", {S("1Ki")}), "1024");
  EXPECT_EQ(run("units.parse", {S("1gI")}), "1073741824");
  EXPECT_EQ(run("units.parse", {S("1Ei")}), "1152921504606846976");
  EXPECT_EQ(run("units.parse", {S("1e")}), "1000000000000000000");
  EXPECT_EQ(run("units.parse", {S("1M")}), "1000000");
  EXPECT_EQ(run("units.parse", {S("1500m")}), "1.5");
  EXPECT_EQ(run("units.parse", {S("1e3K")}), "1000000");
  EXPECT_EQ(run("units.parse", {S("\"1\"")}), "1");
  EXPECT_EQ(run("units.parse", {S("1 m")}),
            "ERR(builtin): units.parse: spaces not allowed in resource strings");
  EXPECT_EQ(run("units.parse", {S("1mb")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("units.parse", {S("foo")}), "ERR(builtin): units.parse: no amount provided");
  EXPECT_EQ(run("units.parse", {S("1e+K")}),
            "ERR(builtin): units.parse: could not parse amount to a number");
  EXPECT_EQ(run("units.parse", {S("e+K")}),
            "ERR(builtin): units.parse: could not parse amount to a number");
  EXPECT_EQ(run("units.parse", {S(".K")}),
            "ERR(builtin): units.parse: could not parse amount to a number");
  EXPECT_EQ(run("units.parse", {S(".5K")}), "500");
  EXPECT_EQ(run("units.parse_bytes", {S("10KB")}), "10000");
  EXPECT_EQ(run("units.parse_bytes", {S("1KiB")}), "1024");
  EXPECT_EQ(run("units.parse_bytes", {S("4mb")}), "4000000");
  EXPECT_EQ(run("units.parse_bytes", {S("1.5Mi")}), "1572864");
  EXPECT_EQ(run("units.parse_bytes", {S("12")}), "12");
  EXPECT_EQ(run("units.parse_bytes", {S("1xb")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("units.parse_bytes", {J("[\"1\"]")}).substr(0, 9), "ERR(type)");
}

TEST(BuiltinMisc, Semver) {
  EXPECT_EQ(run("semver.is_valid", {S("1.2.3-rc.1+build.5")}), "true");
  EXPECT_EQ(run("semver.is_valid", {S("v1.2.3")}), "false");
  EXPECT_EQ(run("semver.is_valid", {S("01.2.3")}), "false");
  EXPECT_EQ(run("semver.is_valid", {J("1")}), "false");
  EXPECT_EQ(run("semver.compare", {S("1.2.3"), S("1.2.4")}), "-1");
  EXPECT_EQ(run("semver.compare", {S("1.10.0"), S("1.9.9")}), "1");
  EXPECT_EQ(run("semver.compare", {S("1.0.0-alpha"), S("1.0.0")}), "-1");
  EXPECT_EQ(run("semver.compare", {S("1.0.0-alpha.1"), S("1.0.0-alpha.beta")}), "-1");
  EXPECT_EQ(run("semver.compare", {S("1.0.0-rc.11"), S("1.0.0-rc.2")}), "1");
  EXPECT_EQ(run("semver.compare", {S("1.0.0+a"), S("1.0.0+b")}), "0");
  EXPECT_EQ(run("semver.compare", {S("x"), S("1.0.0")}),
            "ERR(builtin): semver.compare: operand 1: string \"x\" is not a valid SemVer");
}

TEST(BuiltinMisc, Uuid) {
  testing::TestContext ctx;
  auto a = testing::call_ctx(ctx, "uuid.rfc4122", {S("k")});
  auto b = testing::call_ctx(ctx, "uuid.rfc4122", {S("k")});
  auto c = testing::call_ctx(ctx, "uuid.rfc4122", {S("other")});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ(a->as_string().size(), 36u);
  EXPECT_EQ(a->as_string()[14], '4');
  EXPECT_EQ(run("uuid.parse", {*a}), R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(run("uuid.parse", {S("b01d0062-a116-11ee-822b-7ab0b9e5e0c0")}),
            R"({"clocksequence":555,"macvariables":"local:unicast","nodeid":"7a-b0-b9-e5-e0-c0",)"
            R"("time":1703282931110717000,"variant":"RFC4122","version":1})");
  EXPECT_EQ(run("uuid.parse", {S("017F22E2-79B0-7CC3-98C4-DC0C0C07398F")}),
            R"({"time":1645557742000000000,"variant":"RFC4122","version":7})");
  EXPECT_EQ(run("uuid.parse", {S("1EC9414C-232A-6B00-B3C8-9E6BDECED846")}),
            R"({"time":1645557742000000000,"variant":"RFC4122","version":6})");
  EXPECT_EQ(run("uuid.parse", {S("not-valid")}), "ERR(undefined): undefined");
}

TEST(BuiltinMisc, WalkAndRuntime) {
  EXPECT_EQ(run("walk", {J(R"({"b": [true], "a": 1})")}),
            R"([[[],{"a":1,"b":[true]}],[["a"],1],[["b"],[true]],[["b",0],true]])");
  EXPECT_EQ(run("walk", {J("3")}), "[[[],3]]");
  auto rt = testing::call("opa.runtime", {});
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ(rt->find(S("env"))->to_json(), "{}");
}

TEST(BuiltinGraph, Reachable) {
  Value g = J(R"({"a": ["b"], "b": ["c"], "c": ["a"], "d": [], "e": ["x"]})");
  EXPECT_EQ(run("graph.reachable", {g, J(R"(["a"])")}), R"(["a","b","c"])");
  EXPECT_EQ(run("graph.reachable", {g, J(R"(["d", "zz"])")}), R"(["d"])");
  EXPECT_EQ(run("graph.reachable", {g, J("[]")}), "[]");
  EXPECT_EQ(run("graph.reachable", {J(R"({"a": 1})"), J(R"(["a"])")}).substr(0, 9), "ERR(type)");
  EXPECT_EQ(run("graph.reachable_paths", {g, J(R"(["a"])")}), R"([["a","b","c"]])");
  EXPECT_EQ(
      run("graph.reachable_paths", {J(R"({"a": ["b", "c"], "b": [], "c": []})"), J(R"(["a"])")}),
      R"([["a","b"],["a","c"]])");
  EXPECT_EQ(run("graph.reachable_paths", {g, J(R"(["e"])")}), R"([["e"]])");
}

}  // namespace
}  // namespace dts::rego
