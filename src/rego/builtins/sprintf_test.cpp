#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::S;

std::string sp(std::string fmt, std::string args_json) {
  auto r = testing::call("sprintf", {S(std::move(fmt)), J(args_json)});
  return r.ok() ? r->as_string() : "ERR: " + r.error().message();
}

TEST(BuiltinSprintf, Integers) {
  EXPECT_EQ(sp("%d", "[42]"), "42");
  EXPECT_EQ(sp("%5d|%-5d|%05d", "[42, 42, -42]"), "   42|42   |-0042");
  EXPECT_EQ(sp("%+d % d", "[5, 5]"), "+5  5");
  EXPECT_EQ(sp("%x %X %o %b %#x", "[255, 255, 8, 5, 255]"), "ff FF 10 101 0xff");
  EXPECT_EQ(sp("%c%c", "[72, 955]"), "Hλ");
  EXPECT_EQ(sp("%v", "[123456789012345678901234567890]"), "123456789012345678901234567890");
  EXPECT_EQ(sp("%.3d", "[7]"), "007");
}

TEST(BuiltinSprintf, Floats) {
  EXPECT_EQ(sp("%.2f", "[3.14159]"), "3.14");
  EXPECT_EQ(sp("%f", "[1.5]"), "1.500000");
  EXPECT_EQ(sp("%v %v", "[0.1, 2.5e-7]"), "0.1 2.5e-07");
  EXPECT_EQ(sp("%e", "[1234.5678]"), "1.234568e+03");
  EXPECT_EQ(sp("%g", "[0.000012345]"), "1.2345e-05");
  EXPECT_EQ(sp("%8.3f|%-8.2f|%08.3f", "[3.14159, 2.5, -3.14159]"), "   3.142|2.50    |-003.142");
  EXPECT_EQ(sp("%d", "[1.5]"), "%!d(float64=1.5)");
}

TEST(BuiltinSprintf, StringsAndComposites) {
  EXPECT_EQ(sp("User %s from %s", "[\"alice\", \"eng\"]"), "User alice from eng");
  EXPECT_EQ(sp("%q", "[\"a\\\"b\\n\"]"), "\"a\\\"b\\n\"");
  EXPECT_EQ(sp("%.2s|%6s|%-4s|", "[\"héllo\", \"ab\", \"x\"]"), "hé|    ab|x   |");
  EXPECT_EQ(sp("%x", "[\"hi\"]"), "6869");
  EXPECT_EQ(sp("%v", "[[1, \"a\", {\"k\": [true, null]}]]"), "[1, \"a\", {\"k\": [true, null]}]");
  EXPECT_EQ(sp("%s", "[[1,2]]"), "[1, 2]");
  EXPECT_EQ(sp("%v", "[true]"), "true");
  EXPECT_EQ(sp("%d", "[\"x\"]"), "%!d(string=x)");
  EXPECT_EQ(sp("%t", "[true]"), "%!t(string=true)");
  auto set = testing::call("sprintf", {S("%v"), Value::array({Value::set({J("1"), J("2")})})});
  EXPECT_EQ(set->as_string(), "{1, 2}");
}

TEST(BuiltinSprintf, MissingExtraAndPercent) {
  EXPECT_EQ(sp("100%%", "[]"), "100%");
  EXPECT_EQ(sp("%s and %s", "[\"a\"]"), "a and %!s(MISSING)");
  EXPECT_EQ(sp("%s", "[\"a\", 1, \"b\"]"), "a%!(EXTRA int=1, string=b)");
  EXPECT_EQ(sp("%", "[]"), "%!(NOVERB)");
  EXPECT_EQ(sp("%*d", "[4, 7]"), "   7");
  auto bad = testing::call("sprintf", {S("%s"), S("x")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "sprintf: operand 2 must be array but got string");
}

}  // namespace
}  // namespace dts::rego
