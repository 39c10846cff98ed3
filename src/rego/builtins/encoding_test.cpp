#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinEncoding, Base64) {
  EXPECT_EQ(run("base64.encode", {S("hello")}), "\"aGVsbG8=\"");
  EXPECT_EQ(run("base64.encode", {S("")}), "\"\"");
  EXPECT_EQ(run("base64.decode", {S("aGVsbG8=")}), "\"hello\"");
  EXPECT_EQ(run("base64.decode", {S("aGVsbG8")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("base64.decode", {S("aGV$bG8=")}),
            "ERR(builtin): base64.decode: illegal base64 data at input byte 3");
  EXPECT_EQ(run("base64.is_valid", {S("aGk=")}), "true");
  EXPECT_EQ(run("base64.is_valid", {S("aGk")}), "false");
  EXPECT_EQ(run("base64url.encode", {S("\xff\xfe?")}), "\"__4_\"");
  EXPECT_EQ(run("base64url.encode", {S("hi")}), "\"aGk=\"");
  EXPECT_EQ(run("base64url.encode_no_pad", {S("hi")}), "\"aGk\"");
  EXPECT_EQ(run("base64url.decode", {S("aGk")}), "\"hi\"");
  EXPECT_EQ(run("base64url.decode", {S("aGk=")}), "\"hi\"");
  EXPECT_EQ(testing::call("base64url.decode", {S("__4_")})->as_string(), "\xff\xfe?");
  EXPECT_EQ(run("base64.encode", {J("1")}),
            "ERR(type): base64.encode: operand 1 must be string but got number");
}

TEST(BuiltinEncoding, Hex) {
  EXPECT_EQ(run("hex.encode", {S("Hi!")}), "\"486921\"");
  EXPECT_EQ(run("hex.decode", {S("486921")}), "\"Hi!\"");
  EXPECT_EQ(run("hex.decode", {S("4869F")}),
            "ERR(builtin): hex.decode: encoding/hex: odd length hex string");
  EXPECT_EQ(run("hex.decode", {S("zz")}),
            "ERR(builtin): hex.decode: encoding/hex: invalid byte: U+007A 'z'");
}

TEST(BuiltinEncoding, UrlQuery) {
  EXPECT_EQ(run("urlquery.encode", {S("a b&c=d/é~")}), "\"a+b%26c%3Dd%2F%C3%A9~\"");
  EXPECT_EQ(run("urlquery.decode", {S("a+b%26c%3Dd%2F%C3%A9")}), "\"a b&c=d/é\"");
  EXPECT_EQ(run("urlquery.decode", {S("bad%zz")}),
            "ERR(builtin): urlquery.decode: invalid URL escape \"%zz\"");
  EXPECT_EQ(run("urlquery.encode_object", {J(R"({"b": ["2", "1"], "a": "x y"})")}),
            "\"a=x+y&b=2&b=1\"");
  EXPECT_EQ(run("urlquery.encode_object", {J(R"({"a": 1})")}).substr(0, 9), "ERR(type)");
  EXPECT_EQ(run("urlquery.decode_object", {S("a=1&b=2&a=3&c")}),
            R"({"a":["1","3"],"b":["2"],"c":[""]})");
  EXPECT_EQ(run("urlquery.decode_object", {S("")}), "{}");
}

TEST(BuiltinEncoding, JsonMarshalUnmarshal) {
  EXPECT_EQ(run("json.marshal", {J(R"({"b": [1, 2.5], "a": null})")}),
            R"("{\"a\":null,\"b\":[1,2.5]}")");
  EXPECT_EQ(run("json.marshal", {Value::set({J("2"), J("1")})}), R"("[1,2]")");
  auto pretty = testing::call("json.marshal_with_options",
                              {J(R"({"a": [1], "b": {}})"), J(R"({"indent": "  "})")});
  ASSERT_TRUE(pretty.ok());
  EXPECT_EQ(pretty->as_string(), "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
  auto prefixed = testing::call("json.marshal_with_options",
                                {J(R"({"a": 1})"), J(R"({"pretty": true, "prefix": "> "})")});
  EXPECT_EQ(prefixed->as_string(), "> {\n> \t\"a\": 1\n> }");
  EXPECT_EQ(run("json.marshal_with_options", {J("[1]"), J(R"({"pretty": false, "indent": "x"})")}),
            R"("[1]")");
  EXPECT_EQ(run("json.marshal_with_options", {J("1"), J(R"({"bogus": 1})")}).substr(0, 9),
            "ERR(type)");
  EXPECT_EQ(run("json.unmarshal", {S(R"({"a": [1, "x"]})")}), R"({"a":[1,"x"]})");
  EXPECT_EQ(run("json.unmarshal", {S("{")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("json.is_valid", {S("[1, 2]")}), "true");
  EXPECT_EQ(run("json.is_valid", {S("[1, 2")}), "false");
  EXPECT_EQ(run("json.is_valid", {J("1")}), "false");
}

TEST(BuiltinEncoding, Yaml) {
  auto y = testing::call("yaml.marshal", {J(R"({"b": [1, {"c": "true", "d": "x"}], "a": ""})")});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->as_string(), "a: \"\"\nb:\n- 1\n- c: \"true\"\n  d: x\n");
  EXPECT_EQ(testing::call("yaml.marshal", {J("{}")})->as_string(), "{}\n");
  EXPECT_EQ(testing::call("yaml.marshal", {J(R"({"a": {"b": []}})")})->as_string(),
            "a:\n  b: []\n");
  EXPECT_EQ(run("yaml.unmarshal", {S("a: 1\nb: [x, true]\n")}), R"({"a":1,"b":["x",true]})");
  EXPECT_EQ(run("yaml.unmarshal", {S("a: [")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("yaml.is_valid", {S("a: b")}), "true");
  EXPECT_EQ(run("yaml.is_valid", {S("a: [")}), "false");
  // Round trip through our own emitter.
  Value doc = J(R"({"k": ["a b", "-x", "1.5", {"n": null}], "z": {"y": [[1, 2]]}})");
  auto text = testing::call("yaml.marshal", {doc});
  EXPECT_EQ(run("yaml.unmarshal", {*text}), doc.to_json()) << text->as_string();
}

}  // namespace
}  // namespace dts::rego
