#pragma once
// Internal: the recursive-descent parser shared by parser.cpp (modules, rules) and
// parser_expr.cpp (literals, expressions, terms).

#include <string>
#include <vector>

#include "rego/ast.hpp"
#include "rego/lexer.hpp"
#include "rego/parser.hpp"

namespace dts::rego::detail {

// Thrown internally to unwind on the first syntax error; caught at the API boundary.
struct ParseFailure {};

class Parser {
 public:
  Parser(std::vector<Token> tokens, RegoErrors& errors, const ParseOptions& options)
      : toks_(std::move(tokens)), errors_(errors), options_(options) {}

  ModulePtr module(const std::string& file);
  std::shared_ptr<Body> query();

 private:
  // token helpers
  const Token& peek(size_t ahead = 0) const;
  const Token& advance();
  bool at(Tok kind) const { return peek().kind == kind; }
  bool at_ident(std::string_view word) const;
  bool accept(Tok kind);
  const Token& expect(Tok kind, std::string_view what);
  [[noreturn]] void fail(const Location& loc, std::string message);
  [[noreturn]] void fail_here(std::string message) { fail(peek().loc, std::move(message)); }
  bool keyword(std::string_view word) const;  // current token is this keyword (in context)

  // modules and rules (parser.cpp)
  void package_decl(Module& m);
  void import_decl(Module& m);
  void rule_decl(Module& m);
  TermPtr rule_head_ref();
  void split_head(Rule& r, const TermPtr& ref, bool has_contains, bool has_value);
  TermPtr try_comprehension_literal();

  // literals and terms (parser_expr.cpp)
  std::shared_ptr<Body> body_until(Tok close);
  std::shared_ptr<Body> braced_body();
  Literal literal();
  Literal some_decl(const Location& loc);
  Literal every_decl(const Location& loc);
  TermPtr expr(bool top = false);  // [term (= | :=)] term
  TermPtr member3_or(TermPtr lhs, bool top);
  std::shared_ptr<Body> try_compr_body(Tok close);
  TermPtr infix(int level);
  TermPtr unary();
  TermPtr term();
  TermPtr ref_tail(TermPtr head);
  TermPtr brace_term(const Location& loc);
  TermPtr bracket_term(const Location& loc);
  std::vector<TermPtr> call_args();
  TermPtr wildcard(const Location& loc);
  void enter();
  void leave() { --depth_; }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  RegoErrors& errors_;
  ParseOptions options_;
  int depth_ = 0;
  int wildcard_counter_ = 0;
  bool v1_ = false;
  bool allow_pipe_ = true;  // false while parsing a comprehension head: `|` separates
};

}  // namespace dts::rego::detail
