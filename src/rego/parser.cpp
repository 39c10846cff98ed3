// Parser, part 1: token helpers, modules, packages, imports and rules.
//
// Syntax errors unwind with an internal ParseFailure exception (caught at the two entry
// points below): recursive descent with early exit is far simpler that way, and nothing
// escapes this file pair.
#include "rego/parser.hpp"

#include "detail/parser_impl.hpp"

namespace dts::rego {
namespace detail {

const Token& Parser::peek(size_t ahead) const {
  size_t i = std::min(pos_ + ahead, toks_.size() - 1);
  return toks_[i];
}

const Token& Parser::advance() {
  const Token& t = toks_[pos_];
  if (pos_ + 1 < toks_.size()) ++pos_;
  return t;
}

bool Parser::at_ident(std::string_view word) const {
  return peek().kind == Tok::kIdent && peek().text == word;
}

bool Parser::keyword(std::string_view word) const { return at_ident(word); }

bool Parser::accept(Tok kind) {
  if (at(kind)) {
    advance();
    return true;
  }
  return false;
}

const Token& Parser::expect(Tok kind, std::string_view what) {
  if (!at(kind)) {
    fail_here("unexpected " + std::string(tok_name(peek().kind)) + " token: expected " +
              std::string(what));
  }
  return advance();
}

void Parser::fail(const Location& loc, std::string message) {
  errors_.push_back(RegoError{kParseError, std::move(message), loc});
  throw ParseFailure{};
}

TermPtr Parser::try_comprehension_literal() {
  size_t save_pos = pos_;
  size_t save_errors = errors_.size();
  int save_depth = depth_;
  try {
    TermPtr t = term();
    bool ends = at(Tok::kEof) || peek().newline_before || at_ident("else");
    if ((t->kind == TermKind::kSetCompr || t->kind == TermKind::kObjectCompr) && ends) return t;
  } catch (const ParseFailure&) {
  }
  pos_ = save_pos;
  errors_.resize(save_errors);
  depth_ = save_depth;
  return nullptr;
}

ModulePtr Parser::module(const std::string& file) {
  auto m = std::make_shared<Module>();
  m->file = file;
  v1_ = options_.default_v1;
  m->loc = peek().loc;
  if (!at_ident("package")) {
    fail_here("package expected");
  }
  package_decl(*m);
  while (at_ident("import")) {
    import_decl(*m);
  }
  m->v1 = v1_;
  while (!at(Tok::kEof)) {
    if (at_ident("import")) {
      fail_here("imports must appear before rules");
    }
    rule_decl(*m);
  }
  return m;
}

std::shared_ptr<Body> Parser::query() {
  v1_ = true;
  auto body = body_until(Tok::kEof);
  if (!at(Tok::kEof)) {
    fail_here("unexpected token in query");
  }
  if (body->lits.empty()) {
    fail_here("empty query");
  }
  return body;
}

namespace {

// Flattens a var/ref of ground string parts into path values.
bool ground_path(const TermPtr& t, std::vector<Value>& out) {
  if (t->kind == TermKind::kVar) {
    out.push_back(Value::string(t->name));
    return true;
  }
  if (t->kind != TermKind::kRef || !t->items[0]->is_var()) {
    return false;
  }
  out.push_back(Value::string(t->items[0]->name));
  for (size_t i = 1; i < t->items.size(); ++i) {
    if (t->items[i]->kind != TermKind::kValue) return false;
    out.push_back(t->items[i]->value);
  }
  return true;
}

}  // namespace

void Parser::package_decl(Module& m) {
  Location loc = advance().loc;
  TermPtr t = term();
  std::vector<Value> path;
  if (!ground_path(t, path)) {
    fail(loc, "invalid package path");
  }
  if (!path.empty() && path[0] == Value::string("data")) {
    path.erase(path.begin());
  }
  m.package = std::move(path);
}

void Parser::import_decl(Module& m) {
  Import imp;
  imp.loc = advance().loc;
  TermPtr t = term();
  if (!ground_path(t, imp.path)) {
    fail(imp.loc, "invalid import path");
  }
  const std::string& root = imp.path[0].as_string();
  if (root != "data" && root != "input" && root != "future" && root != "rego") {
    fail(imp.loc, "import path must begin with one of: {data, future, input, rego}");
  }
  bool has_rego_v1 = false;
  bool has_future = false;
  for (const auto& other : m.imports) {
    if (other.path[0] == Value::string("rego")) has_rego_v1 = true;
    if (other.path[0] == Value::string("future")) has_future = true;
  }
  if (root == "rego") {
    if (imp.path.size() != 2 || imp.path[1] != Value::string("v1")) {
      fail(imp.loc, "invalid import, must be `rego.v1`");
    }
    if (has_rego_v1) fail(imp.loc, "duplicate import of rego.v1");
    if (has_future) {
      fail(
          imp.loc,
          "the `rego.v1` import implies `future.keywords`, these are therefore mutually exclusive");
    }
    v1_ = true;
  }
  if (root == "future" && has_rego_v1) {
    fail(imp.loc,
         "the `rego.v1` import implies `future.keywords`, these are therefore mutually exclusive");
  }
  if (root == "future" && (imp.path.size() < 2 || imp.path[1] != Value::string("keywords"))) {
    fail(imp.loc, "invalid import, must be `future.keywords`");
  }
  if (at_ident("as")) {
    advance();
    if (!at(Tok::kIdent)) fail_here("expected alias name");
    imp.alias = advance().text;
  } else if (imp.path.back().is_string()) {
    imp.alias = imp.path.back().as_string();
  }
  if (root == "data" || root == "input") {
    for (const auto& other : m.imports) {
      if (other.alias == imp.alias &&
          (other.path[0] == Value::string("data") || other.path[0] == Value::string("input"))) {
        errors_.push_back(RegoError{
            kCompileError,
            "import must not shadow import " + imp.alias + " (this import shadows previous import)",
            imp.loc});
      }
    }
  }
  m.imports.push_back(std::move(imp));
}

void Parser::split_head(Rule& r, const TermPtr& ref, bool has_contains, bool has_value) {
  std::vector<TermPtr> parts;
  if (ref->kind == TermKind::kVar) {
    parts.push_back(ref);
  } else if (ref->kind == TermKind::kRef && ref->items[0]->is_var()) {
    parts = ref->items;
  } else {
    fail(ref->loc, "invalid rule head");
  }
  r.path.push_back(Value::string(parts[0]->name));
  size_t i = 1;
  while (i < parts.size() && parts[i]->kind == TermKind::kValue) {
    r.path.push_back(parts[i]->value);
    ++i;
  }
  if (has_contains) {
    if (i != parts.size()) fail(ref->loc, "rule head with contains must be a ground ref");
    r.kind = RuleKind::kSet;
    return;
  }
  if (i == parts.size()) {
    if (!v1_ && !has_value && parts.size() >= 2) {
      // v0 `p.a { ... }` / `p["a"] { ... }`: a partial set p containing "a".
      r.path.pop_back();
      r.kind = RuleKind::kSet;
      r.key = parts.back();
      return;
    }
    r.kind = RuleKind::kComplete;
    return;
  }
  r.keys.assign(parts.begin() + static_cast<long>(i), parts.end());
  if (!has_value && r.keys.size() == 1 && !v1_) {
    // v0 `p[x] { ... }`: a partial set (in v1 it is an object with value true).
    r.kind = RuleKind::kSet;
    r.key = r.keys[0];
    r.keys.clear();
    return;
  }
  r.kind = RuleKind::kObject;
}

void Parser::rule_decl(Module& m) {
  auto r = std::make_shared<Rule>();
  r->module = &m;
  r->loc = peek().loc;
  if (at_ident("default")) {
    advance();
    r->is_default = true;
  }
  if (!at(Tok::kIdent)) {
    fail_here("unexpected " + std::string(tok_name(peek().kind)) + " token: expected rule");
  }
  TermPtr head = term();
  if ((head->kind == TermKind::kVar || head->kind == TermKind::kRef) && at(Tok::kLParen) &&
      !peek().newline_before) {
    // `f (x) := ...`: OPA accepts a space before a function's parameter list.
    auto call = std::make_shared<Term>();
    call->kind = TermKind::kCall;
    call->loc = head->loc;
    call->fn = head;
    advance();
    call->items = call_args();
    head = call;
  }
  bool has_contains = false;
  if (head->kind == TermKind::kCall) {
    r->kind = RuleKind::kFunction;
    if (!ground_path(head->fn, r->path)) fail(head->loc, "invalid function name");
    r->args = head->items;
  }
  if (keyword("contains")) {
    advance();
    has_contains = true;
    r->key = infix(0);
  }
  bool has_value = false;
  if (at(Tok::kAssign) || at(Tok::kUnify)) {
    r->assign = at(Tok::kAssign);
    advance();
    r->value = infix(0);
    has_value = true;
  }
  if (r->kind != RuleKind::kFunction) {
    split_head(*r, head, has_contains, has_value);
  }
  if (v1_ && (r->path[0] == Value::string("input") || r->path[0] == Value::string("data"))) {
    fail(r->loc, "rules must not shadow " + r->path[0].as_string() + " (" + r->path[0].as_string() +
                     " cannot be shadowed)");
  }
  if (!r->value && r->kind != RuleKind::kSet) {
    r->value = make_value(Value::boolean(true), r->loc);
  }
  if (r->is_default) {
    if (!has_value) fail(r->loc, "default rules must have a value");
    m.rules.push_back(r);
    return;
  }
  bool has_if = false;
  if (keyword("if")) {
    advance();
    has_if = true;
  }
  if (has_if || at(Tok::kLBrace)) {
    if (!has_if && v1_) fail_here("`if` keyword is required before rule body");
    TermPtr compr = has_if && at(Tok::kLBrace) ? try_comprehension_literal() : nullptr;
    if (compr) {
      // `p if { x | body }`: the body is one comprehension term, as OPA parses it.
      Literal lit;
      lit.loc = compr->loc;
      lit.expr = compr;
      r->body.lits.push_back(std::move(lit));
      r->body.loc = compr->loc;
    } else if (at(Tok::kLBrace)) {
      r->body = *braced_body();
    } else {
      auto body = std::make_shared<Body>();
      body->loc = peek().loc;
      body->lits.push_back(literal());
      r->body = *body;
    }
    r->has_body = true;
  } else if (!has_value && !has_contains && r->kind != RuleKind::kFunction &&
             r->kind != RuleKind::kSet) {
    fail(r->loc, "rule must have a body or assignment");
  }
  // else chain
  Rule* tail = r.get();
  while (keyword("else")) {
    Location loc = advance().loc;
    auto e = std::make_shared<Rule>(*r);
    e->else_rule = nullptr;
    for (auto& a : e->args) a = clone_term(a);
    for (auto& k : e->keys) k = clone_term(k);
    e->loc = loc;
    e->is_default = false;
    e->value = make_value(Value::boolean(true), loc);
    e->body = Body{};
    e->has_body = false;
    if (at(Tok::kAssign) || at(Tok::kUnify)) {
      advance();
      e->value = infix(0);
    }
    bool else_if = false;
    if (keyword("if")) {
      advance();
      else_if = true;
    }
    if (at(Tok::kLBrace)) {
      if (!else_if && v1_) fail_here("`if` keyword is required before rule body");
      e->body = *braced_body();
      e->has_body = true;
    } else if (else_if) {
      e->body.lits.push_back(literal());
      e->has_body = true;
    }
    tail->else_rule = e;
    tail = e.get();
  }
  m.rules.push_back(r);
  // v0: `p { a } { b }` defines p twice.
  while (at(Tok::kLBrace) && !v1_ && r->has_body) {
    auto again = std::make_shared<Rule>(*r);
    again->else_rule = nullptr;
    again->extra_body = true;
    for (auto& a : again->args) a = clone_term(a);
    for (auto& k : again->keys) k = clone_term(k);
    again->key = clone_term(r->key);
    again->value = clone_term(r->value);
    again->loc = peek().loc;
    again->body = *braced_body();
    m.rules.push_back(again);
  }
}

}  // namespace detail

ModulePtr parse_module(std::string_view source, const std::string& file, RegoErrors& errors,
                       const ParseOptions& options) {
  std::vector<Token> tokens;
  RegoError err;
  auto file_ptr = std::make_shared<const std::string>(file);
  if (!lex(source, file_ptr, tokens, err)) {
    errors.push_back(std::move(err));
    return nullptr;
  }
  size_t before = errors.size();
  try {
    detail::Parser p(std::move(tokens), errors, options);
    auto m = p.module(file);
    return errors.size() == before ? m : nullptr;
  } catch (const detail::ParseFailure&) {
    return nullptr;
  }
}

std::shared_ptr<Body> parse_query(std::string_view source, RegoErrors& errors,
                                  const ParseOptions& options) {
  std::vector<Token> tokens;
  RegoError err;
  auto file_ptr = std::make_shared<const std::string>("query");
  if (!lex(source, file_ptr, tokens, err)) {
    errors.push_back(std::move(err));
    return nullptr;
  }
  try {
    detail::Parser p(std::move(tokens), errors, options);
    return p.query();
  } catch (const detail::ParseFailure&) {
    return nullptr;
  }
}

}  // namespace dts::rego
