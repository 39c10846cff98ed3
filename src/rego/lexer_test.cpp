#include "rego/lexer.hpp"

#include <gtest/gtest.h>

namespace dts::rego {
namespace {

std::vector<Token> lex_ok(std::string_view src) {
  std::vector<Token> toks;
  RegoError err;
  EXPECT_TRUE(lex(src, std::make_shared<const std::string>("t.rego"), toks, err)) << err.message;
  return toks;
}

bool lex_fails(std::string_view src, RegoError& err) {
  std::vector<Token> toks;
  return !lex(src, std::make_shared<const std::string>("t.rego"), toks, err);
}

TEST(LexerTest, TokensAndLocations) {
  auto toks = lex_ok("package a\n\np := x.y[1] # c\n");
  ASSERT_GE(toks.size(), 10u);
  EXPECT_EQ(toks[0].kind, Tok::kIdent);
  EXPECT_EQ(toks[0].text, "package");
  EXPECT_EQ(toks[2].loc.line, 3);
  EXPECT_TRUE(toks[2].newline_before);
  EXPECT_EQ(toks[3].kind, Tok::kAssign);
  EXPECT_EQ(toks.back().kind, Tok::kEof);
}

TEST(LexerTest, StringsAndEscapes) {
  auto toks = lex_ok(R"("a\n\"b\u00e9\ud83d\ude00" `raw\n`)");
  ASSERT_EQ(toks[0].kind, Tok::kString);
  EXPECT_EQ(toks[0].text, "a\n\"b\xc3\xa9\xf0\x9f\x98\x80");
  ASSERT_EQ(toks[1].kind, Tok::kRawString);
  EXPECT_EQ(toks[1].text, "raw\\n");
}

TEST(LexerTest, Numbers) {
  auto toks = lex_ok("1 2.5 1e3 10E-2");
  EXPECT_EQ(toks[0].text, "1");
  EXPECT_EQ(toks[1].text, "2.5");
  EXPECT_EQ(toks[2].text, "1e3");
  EXPECT_EQ(toks[3].text, "10E-2");
}

TEST(LexerTest, RejectsBadInput) {
  RegoError err;
  EXPECT_TRUE(lex_fails("\"unterminated", err));
  EXPECT_EQ(err.code, kParseError);
  EXPECT_TRUE(lex_fails("\"bad \\q escape\"", err));
  EXPECT_TRUE(lex_fails("\"\xff\xfe\"", err));  // invalid UTF-8
  EXPECT_TRUE(lex_fails("x := 1 @ 2", err));
  EXPECT_EQ(err.location.line, 1);
  EXPECT_EQ(err.location.col, 8);
  EXPECT_TRUE(lex_fails("`never closed", err));
  EXPECT_TRUE(lex_fails("12abc", err));
}

TEST(LexerTest, HugeStringIsFine) {
  std::string src = "\"" + std::string(5 * 1024 * 1024, 'a') + "\"";
  auto toks = lex_ok(src);
  EXPECT_EQ(toks[0].text.size(), 5u * 1024 * 1024);
}

}  // namespace
}  // namespace dts::rego
