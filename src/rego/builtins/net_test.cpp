#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinNet, Contains) {
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/8"), S("10.1.2.3")}), "true");
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/8"), S("11.0.0.1")}), "false");
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/8"), S("10.2.0.0/16")}), "true");
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/16"), S("10.0.0.0/8")}), "false");
  EXPECT_EQ(run("net.cidr_contains", {S("2001:db8::/32"), S("2001:db8:0:1::5")}), "true");
  EXPECT_EQ(run("net.cidr_contains", {S("2001:db8::/32"), S("2001:db9::1")}), "false");
  EXPECT_EQ(run("net.cidr_contains", {S("0.0.0.0/0"), S("::1")}), "false");
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/33"), S("10.0.0.1")}),
            "ERR(builtin): net.cidr_contains: invalid CIDR address: 10.0.0.0/33");
  EXPECT_EQ(run("net.cidr_contains", {S("10.0.0.0/8"), S("010.0.0.1")}).substr(0, 12),
            "ERR(builtin)");
}

TEST(BuiltinNet, IntersectsAndValid) {
  EXPECT_EQ(run("net.cidr_intersects", {S("192.168.0.0/16"), S("192.168.1.0/24")}), "true");
  EXPECT_EQ(run("net.cidr_overlap", {S("192.168.0.0/16"), S("192.168.1.7")}), "true");
  EXPECT_EQ(run("net.cidr_overlap", {S("192.168.0.0/16"), S("10.0.0.1")}), "false");
  EXPECT_EQ(run("net.cidr_intersects", {S("192.168.0.0/24"), S("192.168.1.0/24")}), "false");
  EXPECT_EQ(run("net.cidr_intersects", {S("fd00::/8"), S("fdff::/16")}), "true");
  EXPECT_EQ(run("net.cidr_is_valid", {S("192.168.1.0/24")}), "true");
  EXPECT_EQ(run("net.cidr_is_valid", {S("192.168.1.0")}), "false");
  EXPECT_EQ(run("net.cidr_is_valid", {S("::/0")}), "true");
  EXPECT_EQ(run("net.cidr_is_valid", {S("1:2:3:4:5:6:7:8:9/64")}), "false");
  EXPECT_EQ(run("net.cidr_is_valid", {J("7")}), "false");
}

TEST(BuiltinNet, Expand) {
  EXPECT_EQ(run("net.cidr_expand", {S("192.168.0.254/31")}),
            R"(["192.168.0.254","192.168.0.255"])");
  EXPECT_EQ(run("net.cidr_expand", {S("10.0.0.7/32")}), R"(["10.0.0.7"])");
  EXPECT_EQ(run("net.cidr_expand", {S("2001:db8::/127")}), R"(["2001:db8::","2001:db8::1"])");
  EXPECT_EQ(run("net.cidr_expand", {S("10.0.0.0/8")}).substr(0, 12), "ERR(builtin)");
}

TEST(BuiltinNet, Merge) {
  EXPECT_EQ(run("net.cidr_merge", {J(R"(["192.0.128.0/24", "192.0.129.0/24"])")}),
            R"(["192.0.128.0/23"])");
  EXPECT_EQ(run("net.cidr_merge", {J(R"(["10.0.0.0/8", "10.1.0.0/16", "10.0.0.1"])")}),
            R"(["10.0.0.0/8"])");
  EXPECT_EQ(
      run("net.cidr_merge",
          {J(R"(["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/25", "11.0.0.1", "2001:db8::/33", "2001:db8:8000::/33"])")}),
      R"(["10.0.0.0/24","11.0.0.1/32","2001:db8::/32"])");
  EXPECT_EQ(run("net.cidr_merge", {J(R"(["nope"])")}).substr(0, 12), "ERR(builtin)");
}

TEST(BuiltinNet, ContainsMatches) {
  EXPECT_EQ(run("net.cidr_contains_matches", {J(R"(["10.0.0.0/8", "192.168.0.0/16"])"),
                                              J(R"(["10.1.1.1", "8.8.8.8", "192.168.2.0/24"])")}),
            R"([[0,0],[1,2]])");
  EXPECT_EQ(
      run("net.cidr_contains_matches", {J(R"({"lan": ["10.0.0.0/8", "meta"]})"), S("10.9.9.9")}),
      R"([["lan","10.9.9.9"]])");
}

}  // namespace
}  // namespace dts::rego
