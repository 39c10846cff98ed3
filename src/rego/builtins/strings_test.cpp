#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinStrings, ConcatAndPredicates) {
  EXPECT_EQ(run("concat", {S(", "), J("[\"a\", \"b\", \"c\"]")}), "\"a, b, c\"");
  EXPECT_EQ(run("concat", {S("-"), Value::set({S("b"), S("a")})}), "\"a-b\"");
  EXPECT_EQ(run("concat", {S("-"), J("[]")}), "\"\"");
  EXPECT_EQ(run("concat", {S("-"), J("[1]")}),
            "ERR(type): concat: operand 2 must be array of string but got array containing number");
  EXPECT_EQ(run("concat", {J("1"), J("[]")}),
            "ERR(type): concat: operand 1 must be string but got number");
  EXPECT_EQ(run("contains", {S("abc"), S("bc")}), "true");
  EXPECT_EQ(run("contains", {S("abc"), S("")}), "true");
  EXPECT_EQ(run("startswith", {S("abc"), S("ab")}), "true");
  EXPECT_EQ(run("endswith", {S("abc"), S("ab")}), "false");
}

TEST(BuiltinStrings, IndexOfCountsCodePoints) {
  EXPECT_EQ(run("indexof", {S("Hello world"), S("llo")}), "2");
  EXPECT_EQ(run("indexof", {S("Hello world"), S("hel")}), "-1");
  EXPECT_EQ(run("indexof", {S(""), S("")}), "-1");
  EXPECT_EQ(run("indexof", {S("skön var våren"), S("vår")}), "9");
  EXPECT_EQ(run("indexof_n", {S("sad mad dad"), S("ad")}), "[1,5,9]");
  EXPECT_EQ(run("indexof_n", {S("aaa"), S("aa")}), "[0,1]");
  EXPECT_EQ(run("indexof_n", {S("μμx"), S("x")}), "[2]");
}

TEST(BuiltinStrings, CaseMappingIsUnicodeAware) {
  EXPECT_EQ(run("lower", {S("AbC ÄÖÜ ΣΑΣ ПРИВЕТ")}), "\"abc äöü σασ привет\"");
  EXPECT_EQ(run("upper", {S("abc äöü αβγ привет ё")}), "\"ABC ÄÖÜ ΑΒΓ ПРИВЕТ Ё\"");
  EXPECT_EQ(run("upper", {J("1")}), "ERR(type): upper: operand 1 must be string but got number");
}

TEST(BuiltinStrings, ReplaceSplit) {
  EXPECT_EQ(run("replace", {S("a.b.c"), S("."), S("/")}), "\"a/b/c\"");
  EXPECT_EQ(run("replace", {S("ab"), S(""), S("-")}), "\"-a-b-\"");
  EXPECT_EQ(
      run("strings.replace_n", {J("{\"a\": \"1\", \"ab\": \"2\", \"b\": \"3\"}"), S("abcab")}),
      "\"13c13\"");
  EXPECT_EQ(run("split", {S("a,b,,c"), S(",")}), "[\"a\",\"b\",\"\",\"c\"]");
  EXPECT_EQ(run("split", {S(""), S(",")}), "[\"\"]");
  EXPECT_EQ(run("split", {S("añb"), S("")}), "[\"a\",\"ñ\",\"b\"]");
}

TEST(BuiltinStrings, SubstringUsesRunes) {
  EXPECT_EQ(run("substring", {S("äbcdé"), J("1"), J("3")}), "\"bcd\"");
  EXPECT_EQ(run("substring", {S("äbcdé"), J("2"), J("-1")}), "\"cdé\"");
  EXPECT_EQ(run("substring", {S("abc"), J("5"), J("1")}), "\"\"");
  EXPECT_EQ(run("substring", {S("abc"), J("1"), J("100")}), "\"bc\"");
  EXPECT_EQ(run("substring", {S("abc"), J("-1"), J("1")}),
            "ERR(builtin): substring: negative offset");
  EXPECT_EQ(run("substring", {S("abc"), J("1.5"), J("1")}),
            "ERR(type): substring: operand 2 must be integer but got number");
}

TEST(BuiltinStrings, Trim) {
  EXPECT_EQ(run("trim", {S("xxhixyx"), S("xy")}), "\"hi\"");
  EXPECT_EQ(run("trim_left", {S("xxhix"), S("x")}), "\"hix\"");
  EXPECT_EQ(run("trim_right", {S("xxhix"), S("x")}), "\"xxhi\"");
  EXPECT_EQ(run("trim_prefix", {S("prefix-x"), S("prefix-")}), "\"x\"");
  EXPECT_EQ(run("trim_prefix", {S("x"), S("prefix-")}), "\"x\"");
  EXPECT_EQ(run("trim_suffix", {S("a.txt"), S(".txt")}), "\"a\"");
  EXPECT_EQ(run("trim_space", {S("\t\u00a0 hi \n\u3000")}), "\"hi\"");
  EXPECT_EQ(run("trim", {S("ääbä"), S("ä")}), "\"b\"");
}

TEST(BuiltinStrings, MiscStrings) {
  EXPECT_EQ(run("strings.reverse", {S("abç")}), "\"çba\"");
  EXPECT_EQ(run("strings.count", {S("cheese"), S("e")}), "3");
  EXPECT_EQ(run("strings.count", {S("five"), S("")}), "5");
  EXPECT_EQ(run("strings.any_prefix_match", {S("foo/bar"), J("[\"x\", \"foo\"]")}), "true");
  EXPECT_EQ(run("strings.any_prefix_match", {J("[\"a\", \"b\"]"), S("c")}), "false");
  EXPECT_EQ(run("strings.any_suffix_match", {Value::set({S("a.rego")}), S(".rego")}), "true");
  EXPECT_EQ(run("strings.any_suffix_match", {J("1"), S("c")}),
            "ERR(type): strings.any_suffix_match: operand 1 must be one of {string, array, set} "
            "but got number");
}

TEST(BuiltinStrings, FormatIntAndToNumber) {
  EXPECT_EQ(run("format_int", {J("255"), J("16")}), "\"ff\"");
  EXPECT_EQ(run("format_int", {J("-5"), J("2")}), "\"-101\"");
  EXPECT_EQ(run("format_int", {J("8.9"), J("8")}), "\"10\"");
  EXPECT_EQ(run("format_int", {J("-3.7"), J("10")}), "\"-3\"");
  EXPECT_EQ(run("format_int", {J("123456789012345678901234567890"), J("16")}),
            "\"18ee90ff6c373e0ee4e3f0ad2\"");
  EXPECT_EQ(run("format_int", {J("1"), J("3")}),
            "ERR(type): format_int: operand 2 must be one of {2, 8, 10, 16}");
  EXPECT_EQ(run("to_number", {S("12.5")}), "12.5");
  EXPECT_EQ(run("to_number", {S("-1e3")}), "-1000");
  EXPECT_EQ(run("to_number", {S("+.5")}), "0.5");
  EXPECT_EQ(run("to_number", {J("true")}), "1");
  EXPECT_EQ(run("to_number", {J("null")}), "0");
  EXPECT_EQ(run("to_number", {S("abc")}),
            "ERR(builtin): to_number: strconv.ParseFloat: parsing \"abc\": invalid syntax");
  EXPECT_EQ(run("to_number", {S("Inf")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("to_number", {J("[]")}).substr(0, 9), "ERR(type)");
}

TEST(BuiltinStrings, RenderTemplate) {
  EXPECT_EQ(run("strings.render_template",
                {S("Hello {{.name}}, you are {{ .age }}; {{.user.role}}"),
                 J(R"({"name": "Ann", "age": 30, "user": {"role": "admin"}})")}),
            "\"Hello Ann, you are 30; admin\"");
  EXPECT_EQ(run("strings.render_template", {S("a  {{- .x -}}  b"), J(R"({"x": [1, "y"]})")}),
            "\"a[1 y]b\"");
  EXPECT_EQ(run("strings.render_template", {S("{{.m}}"), J(R"({"m": {"b": 2, "a": null}})")}),
            "\"map[a:<nil> b:2]\"");
  EXPECT_EQ(run("strings.render_template", {S("{{.missing}}"), J("{}")}).substr(0, 12),
            "ERR(builtin)");
  EXPECT_EQ(run("strings.render_template", {S("{{range .x}}{{end}}"), J("{}")}).substr(0, 12),
            "ERR(builtin)");
  EXPECT_EQ(run("strings.render_template", {S("{{.x"), J("{}")}).substr(0, 12), "ERR(builtin)");
}

}  // namespace
}  // namespace dts::rego
