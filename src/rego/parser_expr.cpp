// Parser, part 2: bodies, literals, expressions and terms.
#include "detail/parser_impl.hpp"

namespace dts::rego::detail {
namespace {

struct InfixOp {
  Tok tok;
  int level;
  const char* builtin;
};

// Precedence (low to high), as OPA: relations, |, &, + -, * / %.
constexpr InfixOp kInfixOps[] = {
    {Tok::kEq, 1, "equal"},    {Tok::kNeq, 1, "neq"},  {Tok::kLt, 1, "lt"},
    {Tok::kLte, 1, "lte"},     {Tok::kGt, 1, "gt"},    {Tok::kGte, 1, "gte"},
    {Tok::kPipe, 2, "or"},     {Tok::kAmp, 3, "and"},  {Tok::kPlus, 4, "plus"},
    {Tok::kMinus, 4, "minus"}, {Tok::kStar, 5, "mul"}, {Tok::kSlash, 5, "div"},
    {Tok::kPercent, 5, "rem"},
};
constexpr int kMaxInfixLevel = 5;

}  // namespace

void Parser::enter() {
  if (++depth_ > options_.max_depth) {
    fail_here("nesting too deep");
  }
}

TermPtr Parser::wildcard(const Location& loc) {
  return make_var("$" + std::to_string(wildcard_counter_++), loc);
}

std::shared_ptr<Body> Parser::braced_body() {
  expect(Tok::kLBrace, "{");
  auto body = body_until(Tok::kRBrace);
  expect(Tok::kRBrace, "}");
  return body;
}

// Literals separated by ';' or line breaks, up to (not including) `close`.
std::shared_ptr<Body> Parser::body_until(Tok close) {
  enter();
  auto body = std::make_shared<Body>();
  body->loc = peek().loc;
  while (true) {
    while (accept(Tok::kSemicolon)) {
    }
    if (at(close) || at(Tok::kEof)) {
      break;
    }
    body->lits.push_back(literal());
    if (at(Tok::kSemicolon) || at(close) || at(Tok::kEof) || peek().newline_before) {
      continue;
    }
    fail_here("unexpected " + std::string(tok_name(peek().kind)) + " token: expected \\n or ; or " +
              std::string(tok_name(close)));
  }
  if (body->lits.empty() && close != Tok::kEof) {
    fail_here("found empty body");
  }
  leave();
  return body;
}

Literal Parser::literal() {
  Literal lit;
  lit.loc = peek().loc;
  if (keyword("some")) {
    advance();
    lit = some_decl(lit.loc);
  } else if (keyword("every")) {
    advance();
    lit = every_decl(lit.loc);
  } else {
    if (keyword("not")) {
      advance();
      lit.negated = true;
    }
    lit.kind = LitKind::kExpr;
    lit.expr = expr(true);
  }
  while (at_ident("with")) {
    advance();
    WithMod w;
    w.loc = peek().loc;
    w.target = term();
    if (!at_ident("as")) {
      fail_here("expected as");
    }
    advance();
    w.value = infix(1);
    lit.withs.push_back(std::move(w));
  }
  return lit;
}

Literal Parser::some_decl(const Location& loc) {
  Literal lit;
  lit.loc = loc;
  std::vector<TermPtr> terms;
  terms.push_back(infix(2));
  while (accept(Tok::kComma)) {
    terms.push_back(infix(2));
  }
  if (keyword("in")) {
    advance();
    if (terms.size() > 2) {
      fail(loc, "unexpected , token: expected at most two terms before in");
    }
    lit.kind = LitKind::kSomeIn;
    if (terms.size() == 2) {
      lit.key = terms[0];
      lit.val = terms[1];
    } else {
      lit.val = terms[0];
    }
    lit.collection = infix(1);
    return lit;
  }
  lit.kind = LitKind::kSome;
  for (auto& t : terms) {
    if (!t->is_var()) {
      fail(t->loc, "expected var in some declaration");
    }
  }
  lit.some_vars = std::move(terms);
  return lit;
}

Literal Parser::every_decl(const Location& loc) {
  Literal lit;
  lit.loc = loc;
  lit.kind = LitKind::kEvery;
  TermPtr first = term();
  if (accept(Tok::kComma)) {
    lit.key = first;
    lit.val = term();
  } else {
    lit.val = first;
  }
  if (!keyword("in")) {
    fail_here("expected in after every variables");
  }
  advance();
  lit.collection = infix(1);
  lit.body = braced_body();
  return lit;
}

// `k, v in xs` (internal.member_3) is only an expression at the top of a literal.
TermPtr Parser::member3_or(TermPtr lhs, bool top) {
  if (!top || !at(Tok::kComma)) return lhs;
  size_t save = pos_;
  advance();
  TermPtr value = infix(1);
  if (!keyword("in")) {
    pos_ = save;
    return lhs;
  }
  Location loc = advance().loc;
  TermPtr coll = infix(1);
  return make_call("internal.member_3", {lhs, value, coll}, loc);
}

TermPtr Parser::expr(bool top) {
  TermPtr lhs = member3_or(infix(0), top);
  if (at(Tok::kAssign) || at(Tok::kUnify)) {
    bool assign = at(Tok::kAssign);
    Location loc = advance().loc;
    TermPtr rhs = member3_or(infix(0), top);
    return make_call(assign ? "assign" : "eq", {lhs, rhs}, loc);
  }
  return lhs;
}

// level 0: `in` membership; 1..kMaxInfixLevel: binary operators.
TermPtr Parser::infix(int level) {
  if (level > kMaxInfixLevel) {
    return unary();
  }
  enter();
  TermPtr lhs = infix(level + 1);
  while (true) {
    if (level == 0) {
      if (!keyword("in") || peek().newline_before) break;
      Location loc = advance().loc;
      TermPtr rhs = infix(1);
      lhs = make_call("internal.member_2", {lhs, rhs}, loc);
      continue;
    }
    const InfixOp* op = nullptr;
    for (const auto& candidate : kInfixOps) {
      if (candidate.level == level && at(candidate.tok)) {
        op = &candidate;
      }
    }
    // A line break ends the expression only before `-` (a new negative literal may start).
    if (op == nullptr || (op->tok == Tok::kMinus && peek().newline_before) ||
        (op->tok == Tok::kPipe && !allow_pipe_)) {
      break;
    }
    Location loc = advance().loc;
    TermPtr rhs = infix(level + 1);
    lhs = make_call(op->builtin, {lhs, rhs}, loc);
  }
  leave();
  return lhs;
}

TermPtr Parser::unary() {
  if (at(Tok::kMinus)) {
    Location loc = advance().loc;
    if (at(Tok::kNumber)) {
      const Token& t = advance();
      auto n = Number::parse("-" + t.text);
      if (!n) fail(t.loc, "invalid number");
      return ref_tail(make_value(Value::number(*n), loc));
    }
    fail(loc, "unary - can only be used with numeric literals");
  }
  return term();
}

TermPtr Parser::term() {
  enter();
  bool saved_pipe = allow_pipe_;
  allow_pipe_ = true;
  const Token& t = peek();
  Location loc = t.loc;
  TermPtr out;
  switch (t.kind) {
    case Tok::kNumber: {
      auto n = Number::parse(t.text);
      if (!n) fail(loc, "invalid number");
      advance();
      out = make_value(Value::number(*n), loc);
      break;
    }
    case Tok::kString:
    case Tok::kRawString:
      out = make_value(Value::string(advance().text), loc);
      break;
    case Tok::kLBracket:
      advance();
      out = bracket_term(loc);
      break;
    case Tok::kLBrace:
      advance();
      out = brace_term(loc);
      break;
    case Tok::kLParen: {
      advance();
      out = expr();
      expect(Tok::kRParen, ")");
      break;
    }
    case Tok::kIdent: {
      std::string name = advance().text;
      if (name == "true" || name == "false") {
        out = make_value(Value::boolean(name == "true"), loc);
      } else if (name == "null") {
        out = make_value(Value::null(), loc);
      } else if (name == "_") {
        out = wildcard(loc);
      } else if (name == "set" && at(Tok::kLParen) && peek(1).kind == Tok::kRParen &&
                 !peek().space_before) {
        advance();
        advance();
        out = make_value(Value::empty_set(), loc);
      } else {
        out = make_var(name, loc);
      }
      break;
    }
    default:
      fail(loc, "unexpected " + std::string(tok_name(t.kind)) + " token");
  }
  allow_pipe_ = saved_pipe;
  out = ref_tail(out);
  leave();
  return out;
}

// Dotted and bracketed ref parts and call arguments following a term on the same line.
TermPtr Parser::ref_tail(TermPtr head) {
  while (true) {
    if (at(Tok::kDot) && !peek().space_before) {
      Location dot = advance().loc;
      if (!at(Tok::kIdent)) fail_here("expected identifier after .");
      if (peek().space_before) fail(dot, "invalid whitespace between . and identifier");
      const Token& id = advance();
      if (head->kind != TermKind::kRef) {
        auto ref = std::make_shared<Term>();
        ref->kind = TermKind::kRef;
        ref->loc = head->loc;
        ref->items.push_back(head);
        head = ref;
      }
      head->items.push_back(make_value(Value::string(id.text), id.loc));
    } else if (at(Tok::kLBracket) && !peek().space_before) {
      advance();
      TermPtr key = expr();
      expect(Tok::kRBracket, "]");
      if (head->kind != TermKind::kRef) {
        auto ref = std::make_shared<Term>();
        ref->kind = TermKind::kRef;
        ref->loc = head->loc;
        ref->items.push_back(head);
        head = ref;
      }
      head->items.push_back(key);
    } else if (at(Tok::kLParen) && !peek().space_before &&
               (head->kind == TermKind::kVar || head->kind == TermKind::kRef)) {
      Location loc = head->loc;
      auto call = std::make_shared<Term>();
      call->kind = TermKind::kCall;
      call->loc = loc;
      call->fn = head;
      advance();
      call->items = call_args();
      head = call;
    } else {
      return head;
    }
  }
}

}  // namespace dts::rego::detail
