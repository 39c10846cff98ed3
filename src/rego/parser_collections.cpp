// Parser, part 3: call arguments, arrays, objects, sets and comprehensions. A leading term
// followed by `|` makes a comprehension when what follows parses as a body; otherwise the
// text is reparsed as a collection whose element uses `|` as set union (OPA's rule).
#include "detail/parser_impl.hpp"

namespace dts::rego::detail {

// After a comprehension head, at `|`: parses `| body close`. On a syntax error restores the
// position and error list and returns nullptr so the caller can reparse as a collection.
std::shared_ptr<Body> Parser::try_compr_body(Tok close) {
  size_t save_pos = pos_;
  size_t save_errors = errors_.size();
  int save_depth = depth_;
  try {
    expect(Tok::kPipe, "|");
    auto body = body_until(close);
    expect(close, std::string(tok_name(close)));
    return body;
  } catch (const ParseFailure&) {
    pos_ = save_pos;
    errors_.resize(save_errors);
    depth_ = save_depth;
    return nullptr;
  }
}

std::vector<TermPtr> Parser::call_args() {
  std::vector<TermPtr> args;
  if (accept(Tok::kRParen)) return args;
  while (true) {
    args.push_back(expr());
    if (accept(Tok::kRParen)) return args;
    expect(Tok::kComma, ",");
    if (accept(Tok::kRParen)) return args;
  }
}

TermPtr Parser::bracket_term(const Location& loc) {
  auto out = std::make_shared<Term>();
  out->loc = loc;
  out->kind = TermKind::kArray;
  if (accept(Tok::kRBracket)) return out;
  size_t start = pos_;
  // A comprehension head is a single term: `[a & b | c]` is an array, `[a | b]` is not.
  TermPtr first = unary();
  if (!at(Tok::kPipe)) {
    pos_ = start;
    first = expr();
  } else {
    if (auto body = try_compr_body(Tok::kRBracket)) {
      out->kind = TermKind::kArrayCompr;
      out->head = first;
      out->body = body;
      return out;
    }
    // Not a comprehension (e.g. `[a | b, c]`): reparse with `|` as set union.
    pos_ = start;
    first = expr();
  }
  out->items.push_back(first);
  while (accept(Tok::kComma)) {
    if (at(Tok::kRBracket)) break;
    out->items.push_back(expr());
  }
  expect(Tok::kRBracket, "]");
  return out;
}

TermPtr Parser::brace_term(const Location& loc) {
  auto out = std::make_shared<Term>();
  out->loc = loc;
  out->kind = TermKind::kObject;
  if (accept(Tok::kRBrace)) return out;
  size_t start = pos_;
  TermPtr first = unary();
  if (!at(Tok::kPipe) && !at(Tok::kColon)) {
    pos_ = start;
    first = expr();
  }
  if (accept(Tok::kColon)) {
    size_t value_start = pos_;
    TermPtr value = unary();
    if (!at(Tok::kPipe)) {
      pos_ = value_start;
      value = expr();
    }
    if (at(Tok::kPipe)) {
      if (auto body = try_compr_body(Tok::kRBrace)) {
        out->kind = TermKind::kObjectCompr;
        out->key = first;
        out->head = value;
        out->body = body;
        return out;
      }
      pos_ = value_start;
      value = expr();
    }
    out->items.push_back(first);
    out->items.push_back(value);
    while (accept(Tok::kComma)) {
      if (at(Tok::kRBrace)) break;
      out->items.push_back(expr());
      expect(Tok::kColon, ":");
      out->items.push_back(expr());
    }
    expect(Tok::kRBrace, "}");
    return out;
  }
  if (at(Tok::kPipe)) {
    if (auto body = try_compr_body(Tok::kRBrace)) {
      out->kind = TermKind::kSetCompr;
      out->head = first;
      out->body = body;
      return out;
    }
    pos_ = start;
    first = expr();
  }
  out->kind = TermKind::kSet;
  out->items.push_back(first);
  while (accept(Tok::kComma)) {
    if (at(Tok::kRBrace)) break;
    out->items.push_back(expr());
  }
  expect(Tok::kRBrace, "}");
  return out;
}

}  // namespace dts::rego::detail
