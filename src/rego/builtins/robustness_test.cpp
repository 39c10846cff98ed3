// Hostile or extreme operands: every builtin must answer with a value or an error, never
// crash, and stay bounded in time and memory.
#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinRobustness, ExtremeNumbers) {
  EXPECT_NE(run("format_int", {J("1e300"), J("16")}), "");
  EXPECT_NE(run("format_int", {J("-1e300"), J("2")}), "");
  EXPECT_EQ(run("substring", {S("abc"), J("9223372036854775807"), J("1")}), "\"\"");
  EXPECT_EQ(run("substring", {S("abc"), J("1"), J("9223372036854775807")}), "\"bc\"");
  EXPECT_EQ(run("array.slice", {J("[1,2]"), J("-9223372036854775808"), J("9223372036854775807")}),
            "[1,2]");
  EXPECT_EQ(run("time.add_date", {J("9223372036854775807"), J("0"), J("0"), J("1")}).substr(0, 12),
            "ERR(builtin)");
  EXPECT_EQ(run("time.date", {J("9223372036854775807")}), "[2262,4,11]");
  EXPECT_EQ(run("time.date", {J("-9223372036854775808")}), "[1677,9,21]");
  EXPECT_EQ(run("time.date", {J("1e30")}).substr(0, 12), "ERR(builtin)");
  EXPECT_NE(run("to_number", {S("1e400")}), "");
  EXPECT_NE(run("units.parse", {S("99999999999999999999Ei")}), "");
}

TEST(BuiltinRobustness, HostileStrings) {
  std::string bad = "\xff\xfe\xc3";  // invalid UTF-8
  EXPECT_EQ(run("upper", {S(bad)}).substr(0, 1), "\"");
  EXPECT_EQ(run("strings.reverse", {S(bad)}).substr(0, 1), "\"");
  EXPECT_EQ(run("indexof", {S(bad), S("x")}), "-1");
  std::string huge(100000, 'a');
  EXPECT_EQ(run("regex.match", {S("^(a+)+$"), S(huge)}), "true");  // RE2: no backtracking
  EXPECT_EQ(run("glob.match", {S("**a**a**a**b"), J("null"), S(huge)}), "false");
  EXPECT_EQ(run("sprintf", {S("%"), J("[]")}), "\"%!(NOVERB)\"");
  EXPECT_EQ(run("sprintf", {S("%9999999999d"), J("[1]")}).substr(0, 1), "\"");
  EXPECT_EQ(run("time.parse_ns", {S(""), S("")}).substr(0, 12), "ERR(builtin)");  // year 0
  EXPECT_EQ(run("time.format", {J("[0, \"UTC\", \"\"]")}), "\"\"");
  EXPECT_EQ(run("time.date", {J("[0, \"\"]")}), "[1970,1,1]");
  EXPECT_EQ(run("time.date", {J("[0, \"/etc/passwd\"]")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("net.cidr_contains", {S("::/0"), S(":::")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("json.unmarshal", {S(std::string(5000, '['))}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("base64.decode", {S("====")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("urlquery.decode", {S("%")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("regex.replace", {S("aaa"), S("a"), S("$")}), "\"$$$\"");
  EXPECT_EQ(run("regex.replace", {S("aaa"), S("a"), S("${")}), "\"${${${\"");
}

}  // namespace
}  // namespace dts::rego
