#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

Value set_of(std::vector<Value> v) { return Value::set(Set(v.begin(), v.end())); }

TEST(BuiltinArrays, ConcatSliceReverse) {
  EXPECT_EQ(run("array.concat", {J("[1]"), J("[2, 3]")}), "[1,2,3]");
  EXPECT_EQ(run("array.concat", {J("[1]"), S("x")}),
            "ERR(type): array.concat: operand 2 must be array but got string");
  EXPECT_EQ(run("array.slice", {J("[1,2,3]"), J("0"), J("2")}), "[1,2]");
  EXPECT_EQ(run("array.slice", {J("[1,2,3]"), J("-5"), J("5")}), "[1,2,3]");
  EXPECT_EQ(run("array.slice", {J("[1,2,3]"), J("2"), J("1")}), "[]");
  EXPECT_EQ(run("array.slice", {J("[1,2,3]"), J("5"), J("5")}), "[]");
  EXPECT_EQ(run("array.slice", {J("[5]"), J("1.1"), J("2")}).substr(0, 9), "ERR(type)");
  EXPECT_EQ(run("array.reverse", {J("[1,[2],3]")}), "[3,[2],1]");
}

TEST(BuiltinSets, IntersectionUnion) {
  Value sets = set_of({set_of({J("1"), J("2")}), set_of({J("2"), J("3")})});
  EXPECT_EQ(run("intersection", {sets}), "[2]");
  EXPECT_EQ(run("union", {sets}), "[1,2,3]");
  EXPECT_EQ(run("union", {Value::empty_set()}), "[]");
  EXPECT_EQ(run("intersection", {set_of({J("1")})}),
            "ERR(type): intersection: operand 1 must be set of set but got set containing number");
}

TEST(BuiltinObjects, GetKeysRemoveFilter) {
  Value o = J(R"({"a": {"b": [10, 20]}, "c": 1})");
  EXPECT_EQ(run("object.get", {o, S("c"), J("0")}), "1");
  EXPECT_EQ(run("object.get", {o, S("z"), J("0")}), "0");
  EXPECT_EQ(run("object.get", {o, J(R"(["a", "b", 1])"), J("0")}), "20");
  EXPECT_EQ(run("object.get", {o, J(R"(["a", "x"])"), S("d")}), "\"d\"");
  EXPECT_EQ(run("object.get", {o, J("[]"), J("0")}), o.to_json());
  EXPECT_EQ(run("object.get", {J("[]"), S("a"), J("0")}),
            "ERR(type): object.get: operand 1 must be object but got array");
  EXPECT_EQ(run("object.keys", {o}), R"(["a","c"])");
  EXPECT_EQ(run("object.remove", {o, J(R"(["a", "q"])")}), R"({"c":1})");
  EXPECT_EQ(run("object.remove", {o, J(R"({"c": 0})")}), R"({"a":{"b":[10,20]}})");
  EXPECT_EQ(run("object.filter", {o, set_of({S("c")})}), R"({"c":1})");
  EXPECT_EQ(run("object.filter", {o, S("c")}).substr(0, 9), "ERR(type)");
}

TEST(BuiltinObjects, UnionAndSubset) {
  EXPECT_EQ(run("object.union",
                {J(R"({"a": {"x": 1, "y": 2}, "b": 1})"), J(R"({"a": {"y": 3}, "b": {"z": 1}})")}),
            R"({"a":{"x":1,"y":3},"b":{"z":1}})");
  EXPECT_EQ(run("object.union_n", {J(R"([{"a": 1}, {"b": 2}, {"a": 3}])")}), R"({"a":3,"b":2})");
  EXPECT_EQ(run("object.union_n", {J("[]")}), "{}");
  EXPECT_EQ(
      run("object.subset", {J(R"({"a": {"b": 1, "c": 2}, "d": 3})"), J(R"({"a": {"b": 1}})")}),
      "true");
  EXPECT_EQ(run("object.subset", {J(R"({"a": 1})"), J(R"({"a": 2})")}), "false");
  EXPECT_EQ(run("object.subset", {J("[1, 2, 3, 4]"), J("[2, 3]")}), "true");
  EXPECT_EQ(run("object.subset", {J("[1, 2, 3, 4]"), J("[2, 4]")}), "false");
  EXPECT_EQ(run("object.subset", {J("[1, 2, 3]"), set_of({J("3"), J("1")})}), "true");
  EXPECT_EQ(run("object.subset", {set_of({J("1"), J("2")}), set_of({J("2")})}), "true");
}

TEST(BuiltinJson, FilterAndRemove) {
  Value obj = J(R"({"a": 5, "b": {"c": {"d": 6}, "d": 7}, "c": 8})");
  EXPECT_EQ(run("json.filter", {obj, J(R"(["a", "b/c"])")}), R"({"a":5,"b":{"c":{"d":6}}})");
  EXPECT_EQ(run("json.filter", {obj, set_of({S("c"), J(R"(["b", "d"])")})}),
            R"({"b":{"d":7},"c":8})");
  Value s = J(R"({"a": [[1, [7, 8, 9], 2], {"a": 1}]})");
  EXPECT_EQ(run("json.filter", {s, J(R"(["a/0/1/2", ["a", "0", "2"], "a/0/1/1"])")}),
            R"({"a":[[[8,9],2]]})");
  EXPECT_EQ(run("json.remove", {obj, J(R"(["a", "b/c"])")}), R"({"b":{"d":7},"c":8})");
  EXPECT_EQ(run("json.remove", {s, J(R"(["a/0"])")}), R"({"a":[{"a":1}]})");
  EXPECT_EQ(run("json.remove", {obj, S("a")}).substr(0, 9), "ERR(type)");
}

TEST(BuiltinJson, Patch) {
  auto patch = [](const char* doc, const char* ops) { return run("json.patch", {J(doc), J(ops)}); };
  EXPECT_EQ(patch(R"({"a": {"foo": 1}})", R"([{"op": "add", "path": "/a/bar", "value": 2}])"),
            R"({"a":{"bar":2,"foo":1}})");
  EXPECT_EQ(patch(R"({"arr": [1, 2, 3]})", R"([{"op": "add", "path": "/arr/1", "value": "x"}])"),
            R"({"arr":[1,"x",2,3]})");
  EXPECT_EQ(patch(R"({"arr": [1]})", R"([{"op": "add", "path": "/arr/-", "value": 2}])"),
            R"({"arr":[1,2]})");
  EXPECT_EQ(patch(R"({"a": {"foo": 1}, "b": {}})",
                  R"([{"op": "move", "from": "/a/foo", "path": "/b/foo"}])"),
            R"({"a":{},"b":{"foo":1}})");
  EXPECT_EQ(patch(R"({"foo/bar": {"baz~": 1}})",
                  R"([{"op": "add", "path": "/foo~1bar/baz~0test", "value": 2}])"),
            R"({"foo/bar":{"baz~":1,"baz~test":2}})");
  EXPECT_EQ(patch(R"({"a": 1})", R"([{"op": "test", "path": "/a", "value": 2}])"),
            "ERR(undefined): undefined");
  EXPECT_EQ(patch(R"({"a": 1})", R"([{"op": "remove", "path": ""}])"), "ERR(undefined): undefined");
  EXPECT_EQ(
      patch(R"({"a": 1})",
            R"([{"op": "remove", "path": ""}, {"op": "add", "path": "", "value": {"b": 2}}])"),
      R"({"b":2})");
  EXPECT_EQ(patch("[1, 2]", R"([{"op": "remove", "path": "/-"}])"), "ERR(undefined): undefined");
  EXPECT_EQ(patch("[1, 2]", R"([{"path": "/0"}])"), "ERR(undefined): undefined");
  auto set_remove = testing::call(
      "json.patch", {set_of({S("a"), S("b")}), J(R"([{"op": "remove", "path": ["b"]}])")});
  EXPECT_EQ(set_remove->to_json(), R"(["a"])");
  auto set_replace = testing::call(
      "json.patch",
      {set_of({S("a"), S("b")}), J(R"([{"op": "replace", "path": ["a"], "value": "c"}])")});
  EXPECT_FALSE(set_replace.ok());
}

}  // namespace
}  // namespace dts::rego
