#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinAggregates, SumAndProduct) {
  EXPECT_EQ(run("sum", {J("[1, 2, 3.5]")}), "6.5");
  EXPECT_EQ(run("sum", {J("[]")}), "0");
  EXPECT_EQ(run("sum", {Value::set({Value::number(2), Value::number(5)})}), "7");
  EXPECT_EQ(run("sum", {J("[9223372036854775807, 1]")}), "9223372036854775808");
  EXPECT_EQ(run("product", {J("[2, 3, 4]")}), "24");
  EXPECT_EQ(run("product", {J("[]")}), "1");
  EXPECT_EQ(run("sum", {J("[1, \"a\"]")}),
            "ERR(type): sum: operand 1 must be array of number but got array containing string");
  EXPECT_EQ(run("sum", {J("{}")}),
            "ERR(type): sum: operand 1 must be one of {array, set} but got object");
}

TEST(BuiltinAggregates, MaxMinUseTotalOrder) {
  EXPECT_EQ(run("max", {J("[1, 3, 2]")}), "3");
  EXPECT_EQ(run("min", {J("[1, 3, -2.5]")}), "-2.5");
  EXPECT_EQ(run("max", {J("[1, \"a\", null]")}), "\"a\"");
  EXPECT_EQ(run("min", {J("[1, \"a\", null]")}), "null");
  EXPECT_EQ(run("max", {J("[]")}), "ERR(undefined): undefined");
  EXPECT_EQ(run("max", {S("x")}),
            "ERR(type): max: operand 1 must be one of {array, set} but got string");
}

TEST(BuiltinAggregates, Sort) {
  EXPECT_EQ(run("sort", {J("[3, 1, \"b\", 2, \"a\", null, [1]]")}), "[null,1,2,3,\"a\",\"b\",[1]]");
  EXPECT_EQ(run("sort", {Value::set({Value::number(3), Value::number(1)})}), "[1,3]");
  EXPECT_EQ(run("sort", {J("[]")}), "[]");
  EXPECT_EQ(run("sort", {J("null")}),
            "ERR(type): sort: operand 1 must be one of {array, set} but got null");
}

TEST(BuiltinAggregates, AllAny) {
  EXPECT_EQ(run("all", {J("[true, true]")}), "true");
  EXPECT_EQ(run("all", {J("[true, 1]")}), "false");
  EXPECT_EQ(run("all", {J("[]")}), "true");
  EXPECT_EQ(run("any", {J("[false, true]")}), "true");
  EXPECT_EQ(run("any", {J("[]")}), "false");
}

TEST(BuiltinTypes, IsAndTypeName) {
  EXPECT_EQ(run("is_number", {J("1.5")}), "true");
  EXPECT_EQ(run("is_number", {S("1")}), "false");
  EXPECT_EQ(run("is_string", {S("")}), "true");
  EXPECT_EQ(run("is_boolean", {J("false")}), "true");
  EXPECT_EQ(run("is_array", {J("[]")}), "true");
  EXPECT_EQ(run("is_object", {J("[]")}), "false");
  EXPECT_EQ(run("is_set", {Value::empty_set()}), "true");
  EXPECT_EQ(run("is_null", {J("null")}), "true");
  EXPECT_EQ(run("type_name", {Value::empty_set()}), "\"set\"");
  EXPECT_EQ(run("type_name", {J("{}")}), "\"object\"");
  EXPECT_EQ(run("type_name", {J("true")}), "\"boolean\"");
}

TEST(BuiltinTypes, DeprecatedCasts) {
  EXPECT_EQ(run("cast_array", {Value::set({J("2"), J("1")})}), "[1,2]");
  EXPECT_EQ(testing::call("cast_set", {J("[2, 1, 2]")})->as_set().size(), 2u);
  EXPECT_EQ(run("cast_string", {S("x")}), "\"x\"");
  EXPECT_EQ(run("cast_boolean", {S("true")}),
            "ERR(type): cast_boolean: operand 1 must be boolean but got string");
  EXPECT_EQ(run("cast_object", {J("{}")}), "{}");
  EXPECT_EQ(run("set_diff", {Value::set({J("1"), J("2")}), Value::set({J("2")})}), "[1]");
}

}  // namespace
}  // namespace dts::rego
