// Safety: reorders body literals so every var is bound before it is read (as OPA does) and
// reports rego_unsafe_var_error for vars that no ordering can bind.
#include "detail/compiler_impl.hpp"

namespace dts::rego {
namespace {

bool has(const std::set<int>& s, int v) { return s.count(v) != 0; }

}  // namespace

bool Compiler::term_ready(const TermPtr& t, const std::set<int>& bound, std::set<int>& outs,
                          std::set<int>& missing) {
  if (!t) return true;
  switch (t->kind) {
    case TermKind::kValue:
      return true;
    case TermKind::kVar:
      if (t->slot < 0 || has(bound, t->slot) || has(outs, t->slot)) return true;
      missing.insert(t->slot);
      return false;
    case TermKind::kRef: {
      bool ok = term_ready(t->items[0], bound, outs, missing);
      for (size_t i = 1; i < t->items.size(); ++i) {
        const TermPtr& p = t->items[i];
        if (p->kind == TermKind::kVar && p->slot >= 0) {
          outs.insert(p->slot);  // iteration var
        } else {
          ok = term_ready(p, bound, outs, missing) && ok;
        }
      }
      return ok;
    }
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject: {
      bool ok = true;
      for (const auto& item : t->items) ok = term_ready(item, bound, outs, missing) && ok;
      return ok;
    }
    case TermKind::kCall: {
      bool ok = true;
      size_t n = t->items.size();
      size_t inputs = t->has_output ? n - 1 : n;
      for (size_t i = 0; i < inputs; ++i) ok = term_ready(t->items[i], bound, outs, missing) && ok;
      if (t->has_output && ok) ok = pattern_ready(t->items[n - 1], bound, outs, missing);
      return ok;
    }
    default: {
      bool ok = true;
      for (int s : t->free_slots) {
        if (!has(bound, s) && !has(outs, s)) {
          missing.insert(s);
          ok = false;
        }
      }
      return ok;
    }
  }
}

bool Compiler::pattern_ready(const TermPtr& t, const std::set<int>& bound, std::set<int>& outs,
                             std::set<int>& missing) {
  if (!t) return true;
  switch (t->kind) {
    case TermKind::kVar:
      if (t->slot >= 0 && !has(bound, t->slot)) outs.insert(t->slot);
      return true;
    case TermKind::kArray: {
      bool ok = true;
      for (const auto& item : t->items) ok = pattern_ready(item, bound, outs, missing) && ok;
      return ok;
    }
    case TermKind::kObject: {
      bool ok = true;
      for (size_t i = 0; i + 1 < t->items.size(); i += 2) {
        ok = term_ready(t->items[i], bound, outs, missing) && ok;
        ok = pattern_ready(t->items[i + 1], bound, outs, missing) && ok;
      }
      return ok;
    }
    default:
      return term_ready(t, bound, outs, missing);
  }
}

bool Compiler::unify_ready(const TermPtr& a, const TermPtr& b, const std::set<int>& bound,
                           std::set<int>& outs, std::set<int>& missing) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const TermPtr& x = attempt == 0 ? a : b;
    const TermPtr& y = attempt == 0 ? b : a;
    std::set<int> o = outs;
    std::set<int> m;
    if (term_ready(x, bound, o, m)) {
      std::set<int> combined = bound;
      combined.insert(o.begin(), o.end());
      if (pattern_ready(y, combined, o, m)) {
        outs = std::move(o);
        return true;
      }
    }
    if (attempt == 0) missing = m;
  }
  if (a->kind == TermKind::kArray && b->kind == TermKind::kArray &&
      a->items.size() == b->items.size()) {
    std::set<int> o = outs;
    std::set<int> m;
    std::set<int> cur = bound;
    for (size_t i = 0; i < a->items.size(); ++i) {
      if (!unify_ready(a->items[i], b->items[i], cur, o, m)) {
        missing = m;
        return false;
      }
      cur.insert(o.begin(), o.end());
    }
    outs = std::move(o);
    return true;
  }
  return false;
}

void Compiler::collect_slots(const TermPtr& t, std::set<int>& out) {
  if (!t) return;
  if (t->kind == TermKind::kVar && t->slot >= 0) out.insert(t->slot);
  for (const auto& item : t->items) collect_slots(item, out);
  if (t->kind == TermKind::kArrayCompr || t->kind == TermKind::kSetCompr ||
      t->kind == TermKind::kObjectCompr) {
    out.insert(t->free_slots.begin(), t->free_slots.end());
  }
}

bool Compiler::literal_ready(const Literal& lit, const std::set<int>& bound, std::set<int>& outs,
                             std::set<int>& missing) {
  bool ok = true;
  for (const auto& w : lit.withs) ok = term_ready(w.value, bound, outs, missing) && ok;
  switch (lit.kind) {
    case LitKind::kSome:
      return ok;
    case LitKind::kSomeIn:
      ok = term_ready(lit.collection, bound, outs, missing) && ok;
      if (ok)
        ok = pattern_ready(lit.key, bound, outs, missing) &&
             pattern_ready(lit.val, bound, outs, missing);
      return ok;
    case LitKind::kEvery:
      ok = term_ready(lit.collection, bound, outs, missing) && ok;
      for (int s : lit.free_slots) {
        if (!has(bound, s)) {
          missing.insert(s);
          ok = false;
        }
      }
      outs.clear();
      return ok;
    case LitKind::kExpr:
      break;
  }
  const TermPtr& e = lit.expr;
  if (lit.negated) {
    std::set<int> vars;
    collect_slots(e, vars);
    for (int s : vars) {
      if (!has(bound, s) && slot_names_[s].rfind("$", 0) != 0) {
        missing.insert(s);
        ok = false;
      }
    }
    std::set<int> ignored;
    std::set<int> m2;
    ok = term_ready(e, bound, ignored, m2) && ok;
    // Wildcards inside `not` are local: only named vars count as missing.
    for (int s : m2) {
      if (slot_names_[s].rfind("$", 0) != 0) {
        missing.insert(s);
        ok = false;
      }
    }
    outs.clear();
    return ok;
  }
  if (e->kind == TermKind::kCall && e->name == "eq" && e->items.size() == 2) {
    return unify_ready(e->items[0], e->items[1], bound, outs, missing) && ok;
  }
  if (e->kind == TermKind::kCall && e->name == "assign" && e->items.size() == 2) {
    ok = term_ready(e->items[1], bound, outs, missing) && ok;
    std::set<int> combined = bound;
    combined.insert(outs.begin(), outs.end());
    return pattern_ready(e->items[0], combined, outs, missing) && ok;
  }
  return term_ready(e, bound, outs, missing) && ok;
}

bool Compiler::order_nested(const TermPtr& t, const std::set<int>& bound) {
  if (!t) return true;
  bool ok = true;
  for (const auto& item : t->items) ok = order_nested(item, bound) && ok;
  if (t->kind == TermKind::kArrayCompr || t->kind == TermKind::kSetCompr ||
      t->kind == TermKind::kObjectCompr) {
    std::set<int> inner = bound;
    if (!order_body(*t->body, inner)) return false;
    std::set<int> outs;
    std::set<int> missing;
    ok = order_nested(t->head, inner) && order_nested(t->key, inner) && ok;
    if (!term_ready(t->head, inner, outs, missing) || !term_ready(t->key, inner, outs, missing)) {
      for (int s : missing) {
        error(kUnsafeVarError, "var " + slot_names_[s] + " is unsafe", t->loc);
      }
      return false;
    }
  }
  return ok;
}

bool Compiler::order_literal_nested(Literal& lit, const std::set<int>& bound) {
  bool ok = order_nested(lit.expr, bound) && order_nested(lit.collection, bound);
  for (const auto& w : lit.withs) ok = order_nested(w.value, bound) && ok;
  if (lit.kind == LitKind::kEvery) {
    std::set<int> inner = bound;
    std::set<int> outs;
    std::set<int> missing;
    pattern_ready(lit.key, inner, outs, missing);
    pattern_ready(lit.val, inner, outs, missing);
    inner.insert(outs.begin(), outs.end());
    ok = order_body(*lit.body, inner) && ok;
  }
  return ok;
}

void Compiler::report_unsafe(const Body& body, const std::vector<bool>& done,
                             const std::set<int>& bound) {
  std::set<int> reported;
  for (size_t i = 0; i < body.lits.size(); ++i) {
    if (done[i]) continue;
    std::set<int> outs;
    std::set<int> missing;
    literal_ready(body.lits[i], bound, outs, missing);
    for (int s : missing) {
      if (reported.insert(s).second) {
        std::string name = slot_names_[s];
        if (name.rfind("$", 0) == 0) name = "_";
        error(kUnsafeVarError, "var " + name + " is unsafe", body.lits[i].loc);
      }
    }
  }
  if (reported.empty()) {
    error(kUnsafeVarError, "body cannot be ordered safely", body.loc);
  }
}

bool Compiler::order_body(Body& body, std::set<int>& bound) {
  size_t n = body.lits.size();
  std::vector<bool> done(n, false);
  std::vector<Literal> ordered;
  ordered.reserve(n);
  bool ok = true;
  for (size_t scheduled = 0; scheduled < n; ++scheduled) {
    bool progress = false;
    for (size_t i = 0; i < n; ++i) {
      if (done[i]) continue;
      std::set<int> outs;
      std::set<int> missing;
      if (!literal_ready(body.lits[i], bound, outs, missing)) continue;
      done[i] = true;
      std::set<int> with_outs = bound;
      with_outs.insert(outs.begin(), outs.end());
      ok = order_literal_nested(body.lits[i], with_outs) && ok;
      bound = std::move(with_outs);
      ordered.push_back(body.lits[i]);
      progress = true;
      break;
    }
    if (!progress) {
      report_unsafe(body, done, bound);
      return false;
    }
  }
  body.lits = std::move(ordered);
  return ok;
}

}  // namespace dts::rego
