#include "rego/ast.hpp"

namespace dts::rego {

TermPtr make_value(Value v, Location loc) {
  auto t = std::make_shared<Term>();
  t->kind = TermKind::kValue;
  t->value = std::move(v);
  t->loc = std::move(loc);
  return t;
}

TermPtr make_var(std::string name, Location loc) {
  auto t = std::make_shared<Term>();
  t->kind = TermKind::kVar;
  t->name = std::move(name);
  t->loc = std::move(loc);
  return t;
}

TermPtr make_call(std::string name, std::vector<TermPtr> args, Location loc) {
  auto t = std::make_shared<Term>();
  t->kind = TermKind::kCall;
  t->fn = make_var(name, loc);
  t->name = std::move(name);
  t->items = std::move(args);
  t->loc = std::move(loc);
  return t;
}

TermPtr clone_term(const TermPtr& t) {
  if (!t) return nullptr;
  auto c = std::make_shared<Term>(*t);
  for (auto& item : c->items) item = clone_term(item);
  c->fn = clone_term(t->fn);
  c->key = clone_term(t->key);
  c->head = clone_term(t->head);
  if (t->body) c->body = clone_body(*t->body);
  return c;
}

std::shared_ptr<Body> clone_body(const Body& b) {
  auto c = std::make_shared<Body>(b);
  for (auto& lit : c->lits) {
    lit.expr = clone_term(lit.expr);
    for (auto& v : lit.some_vars) v = clone_term(v);
    lit.key = clone_term(lit.key);
    lit.val = clone_term(lit.val);
    lit.collection = clone_term(lit.collection);
    if (lit.body) lit.body = clone_body(*lit.body);
    for (auto& w : lit.withs) {
      w.target = clone_term(w.target);
      w.value = clone_term(w.value);
    }
  }
  return c;
}

namespace {

RulePtr clone_rule(const Rule& r, const Module* m) {
  auto c = std::make_shared<Rule>(r);
  c->module = m;
  for (auto& k : c->keys) k = clone_term(k);
  c->key = clone_term(r.key);
  c->value = clone_term(r.value);
  for (auto& a : c->args) a = clone_term(a);
  c->body = *clone_body(r.body);
  if (r.else_rule) c->else_rule = clone_rule(*r.else_rule, m);
  return c;
}

}  // namespace

ModulePtr clone_module(const Module& m) {
  auto c = std::make_shared<Module>(m);
  for (auto& r : c->rules) r = clone_rule(*r, c.get());
  return c;
}

std::string term_to_string(const Term& t) {
  switch (t.kind) {
    case TermKind::kValue:
      return t.value.to_string();
    case TermKind::kVar:
      return t.name;
    case TermKind::kRef: {
      std::string out = term_to_string(*t.items[0]);
      for (size_t i = 1; i < t.items.size(); ++i) {
        const Term& p = *t.items[i];
        if (p.kind == TermKind::kValue && p.value.is_string()) {
          out += "." + p.value.as_string();
        } else {
          out += "[" + term_to_string(p) + "]";
        }
      }
      return out;
    }
    case TermKind::kCall: {
      std::string out = (t.fn ? term_to_string(*t.fn) : t.name) + "(";
      for (size_t i = 0; i < t.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += term_to_string(*t.items[i]);
      }
      return out + ")";
    }
    case TermKind::kArray:
      return "[...]";
    case TermKind::kObject:
      return "{...}";
    case TermKind::kSet:
      return "{...}";
    default:
      return "<comprehension>";
  }
}

}  // namespace dts::rego
