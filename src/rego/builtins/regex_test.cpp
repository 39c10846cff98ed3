#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

TEST(BuiltinRegex, MatchAndValidity) {
  EXPECT_EQ(run("regex.match", {S("^a+b$"), S("aaab")}), "true");
  EXPECT_EQ(run("regex.match", {S("b"), S("abc")}), "true");  // unanchored, like Go
  EXPECT_EQ(run("re_match", {S("^x"), S("abc")}), "false");
  EXPECT_EQ(run("regex.match", {S("(?i)ÄB"), S("äb")}), "true");
  EXPECT_EQ(run("regex.match", {S("("), S("x")}).substr(0, 48),
            "ERR(builtin): regex.match: error parsing regexp:");
  EXPECT_EQ(run("regex.is_valid", {S("a(b")}), "false");
  EXPECT_EQ(run("regex.is_valid", {S("a(b)")}), "true");
  EXPECT_EQ(run("regex.is_valid", {J("1")}), "false");
  // RE2 rejects backreferences, as Go does.
  EXPECT_EQ(run("regex.is_valid", {S("(a)\\1")}), "false");
}

TEST(BuiltinRegex, FindAndSubmatches) {
  EXPECT_EQ(run("regex.find_n", {S("a."), S("abacad"), J("-1")}), R"(["ab","ac","ad"])");
  EXPECT_EQ(run("regex.find_n", {S("a."), S("abacad"), J("2")}), R"(["ab","ac"])");
  EXPECT_EQ(run("regex.find_n", {S("x*"), S("abc"), J("-1")}), R"(["","","",""])");
  EXPECT_EQ(run("regex.find_n", {S("a*"), S("baaac"), J("-1")}), R"(["","aaa",""])");
  EXPECT_EQ(run("regex.find_all_string_submatch_n",
                {S("([a-z]+)@([a-z]+)(\\.com)?"), S("a@b x@y.com"), J("-1")}),
            R"([["a@b","a","b",""],["x@y.com","x","y",".com"]])");
}

TEST(BuiltinRegex, SplitAndReplace) {
  EXPECT_EQ(run("regex.split", {S(",\\s*"), S("a, b,c")}), R"(["a","b","c"])");
  EXPECT_EQ(run("regex.split", {S("x"), S("")}), R"([""])");
  EXPECT_EQ(run("regex.split", {S(""), S("abc")}), R"(["a","b","c"])");
  EXPECT_EQ(run("regex.replace", {S("-ab-axxb-"), S("a(x*)b"), S("${1}W")}), "\"-W-xxW-\"");
  EXPECT_EQ(run("regex.replace", {S("-ab-axxb-"), S("a(x*)b"), S("$1W")}), "\"---\"");
  EXPECT_EQ(run("regex.replace", {S("abc"), S("x*"), S("-")}), "\"-a-b-c-\"");
  EXPECT_EQ(run("regex.replace",
                {S("John Smith"), S("(?P<first>\\w+) (?P<last>\\w+)"), S("$last, $first $$")}),
            "\"Smith, John $\"");
}

TEST(BuiltinGlob, MatchWithDelimiters) {
  auto g = [](const char* p, Value d, const char* s) { return run("glob.match", {S(p), d, S(s)}); };
  EXPECT_EQ(g("api://*/appId", J("null"), "api://foo.com/appId"), "true");
  EXPECT_EQ(g("*.github.com", J("[]"), "api.github.com"), "true");
  EXPECT_EQ(g("*.github.com", J("[]"), "api.cdn.github.com"), "false");
  EXPECT_EQ(g("*hub.com", J("null"), "api.cdn.github.com"), "true");
  EXPECT_EQ(g("*:github:com", J("[\":\"]"), "api:github:com"), "true");
  EXPECT_EQ(g("api.**.com", J("[]"), "api.cdn.github.com"), "true");
  EXPECT_EQ(g("?at", J("[]"), "at"), "false");
  EXPECT_EQ(g("[!a-c]at", J("[]"), "lat"), "true");
  EXPECT_EQ(g("[!abc]at", J("[]"), "cat"), "false");
  EXPECT_EQ(g("{cat,bat,[fr]at}", J("[]"), "rat"), "true");
  EXPECT_EQ(g("{cat,bat,[fr]at}", J("[]"), "at"), "false");
  EXPECT_EQ(g("a\\*b", J("[]"), "a*b"), "true");
  EXPECT_EQ(g("a\\*b", J("[]"), "axb"), "false");
  EXPECT_EQ(g("[abc", J("[]"), "a"), "ERR(builtin): glob.match: syntax error in pattern \"[abc\"");
  EXPECT_EQ(g("[z-a]", J("[]"), "m").substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(g("[a\\-z]", J("[]"), "-"), "true");
  EXPECT_EQ(g("[a\\-z]", J("[]"), "m"), "false");
  EXPECT_EQ(g("[a\\-z]", J("[]"), "z"), "true");
  EXPECT_EQ(g("[^.]", J("[]"), "^"), "true");
  EXPECT_EQ(g("*", J("1"), "a").substr(0, 9), "ERR(type)");
  EXPECT_EQ(run("glob.quote_meta", {S("*.git{hub}.com")}), R"("\\*.git\\{hub\\}.com")");
}

TEST(BuiltinRegex, TemplateMatch) {
  EXPECT_EQ(run("regex.template_match", {S("urn:foo:{.*}"), S("urn:foo:bar:baz"), S("{"), S("}")}),
            "true");
  EXPECT_EQ(run("regex.template_match",
                {S("urn:foo.bar:{[0-9]{2}}"), S("urn:foo.bar:12"), S("{"), S("}")}),
            "true");
  EXPECT_EQ(run("regex.template_match", {S("urn:foo:<[a-z]+>"), S("urn:foo:9"), S("<"), S(">")}),
            "false");
  EXPECT_EQ(run("regex.template_match", {S("a.{b}"), S("axb"), S("{"), S("}")}), "false");
}

TEST(BuiltinRegex, GlobsMatch) {
  auto gm = [](const char* x, const char* y) { return run("regex.globs_match", {S(x), S(y)}); };
  EXPECT_EQ(gm("a*b", "a*b"), "true");
  EXPECT_EQ(gm("a", "b"), "false");
  EXPECT_EQ(gm(".*", "a.b"), "true");
  EXPECT_EQ(gm("[a-c]+", "[b-d]+"), "true");
  EXPECT_EQ(gm("[a-b]+", "[c-d]+"), "false");
  EXPECT_EQ(gm("a+", "a*"), "true");
  EXPECT_EQ(gm("a+", "b*"), "false");
  EXPECT_EQ(gm("ab*c", "a.c"), "true");
  EXPECT_EQ(gm("ab*c", "ac+"), "true");
  EXPECT_EQ(gm("x[^a]y", "xay"), "false");
  EXPECT_EQ(gm("]", "a"),
            "ERR(builtin): regex.globs_match: input:], pos:1, set-close ']' with no preceding '[': "
            "the input provided is invalid");
  EXPECT_EQ(gm("[abc", "a"),
            "ERR(builtin): regex.globs_match: input:[abc, pos:4, found [ without matching ]: the "
            "input provided is invalid");
  EXPECT_EQ(gm("[z-a]", "a"),
            "ERR(builtin): regex.globs_match: input:[z-a], pos:4, range is out of order: 'a' "
            "comes before 'z' in Unicode: the input provided is invalid");
}

}  // namespace
}  // namespace dts::rego
