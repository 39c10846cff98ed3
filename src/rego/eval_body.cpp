// Evaluation of bodies and literals: some/every, negation, `with`, and query results.
#include <algorithm>

#include "detail/evaluator.hpp"

namespace dts::rego {
namespace {

Value set_path(const std::optional<Value>& root, const std::vector<Value>& path, size_t i,
               const Value& v) {
  if (i == path.size()) return v;
  Object obj;
  if (root && root->is_object()) obj = root->as_object();
  std::optional<Value> child;
  if (auto it = obj.find(path[i]); it != obj.end()) child = it->second;
  obj.insert_or_assign(path[i], set_path(child, path, i + 1, v));
  return Value::object(std::move(obj));
}

}  // namespace

bool Evaluator::eval_body(const Body& body, size_t i, Frame& f, const Cont& k) {
  if (!tick()) return false;
  if (i == body.lits.size()) return k();
  return eval_literal(body.lits[i], f, [&] { return eval_body(body, i + 1, f, k); });
}

bool Evaluator::eval_literal(const Literal& lit, Frame& f, const Cont& k) {
  if (!lit.withs.empty()) return eval_with(lit, 0, f, k);
  return eval_literal_core(lit, f, k);
}

bool Evaluator::eval_with(const Literal& lit, size_t i, Frame& f, const Cont& k) {
  (void)i;
  struct Applied {
    const WithMod* mod;
    std::optional<Value> value;
    std::string function;
    bool user = false;
  };
  std::vector<Applied> applied;
  for (const auto& w : lit.withs) {
    Applied a{&w, std::nullopt, "", false};
    const Term& v = *w.value;
    if (v.kind == TermKind::kCall && v.items.empty() && !v.name.empty()) {
      a.function = v.name;
      a.user = v.user_call;
    } else {
      bool ok = eval_term(v, f, [&](const Value& val) {
        a.value = val;
        return false;
      });
      if (error_) return false;
      (void)ok;
      if (!a.value) return true;  // undefined with-value: the literal is undefined
    }
    applied.push_back(std::move(a));
  }
  // Snapshot, apply, and swap around the continuation so the rest of the body runs in the
  // outer context.
  auto saved_input = input_;
  auto saved_overrides = overrides_;
  auto saved_mocks = mocks_;
  auto saved_cache = cache_;
  for (const auto& a : applied) {
    const Term& target = *a.mod->target;
    if (target.kind == TermKind::kCall) {
      mocks_[target.name] = Mock{a.value, a.function, a.user};
      continue;
    }
    std::vector<Value> path;
    std::string root = target.is_var() ? target.name : target.items[0]->name;
    if (target.kind == TermKind::kRef) {
      for (size_t j = 1; j < target.items.size(); ++j) path.push_back(target.items[j]->value);
    }
    if (root == "input") {
      input_ = set_path(input_, path, 0, *a.value);
    } else {
      overrides_.emplace_back(path, *a.value);
    }
  }
  cache_ = std::make_shared<Cache>();
  auto inner_input = input_;
  auto inner_overrides = overrides_;
  auto inner_mocks = mocks_;
  auto inner_cache = cache_;
  auto restore_outer = [&] {
    input_ = saved_input;
    overrides_ = saved_overrides;
    mocks_ = saved_mocks;
    cache_ = saved_cache;
  };
  bool r = eval_literal_core(lit, f, [&] {
    restore_outer();
    bool c = k();
    input_ = inner_input;
    overrides_ = inner_overrides;
    mocks_ = inner_mocks;
    cache_ = inner_cache;
    return c;
  });
  restore_outer();
  return r;
}

bool Evaluator::eval_literal_core(const Literal& lit, Frame& f, const Cont& k) {
  switch (lit.kind) {
    case LitKind::kSome:
      return k();
    case LitKind::kSomeIn:
      return eval_some_in(lit, f, k);
    case LitKind::kEvery:
      return eval_every(lit, f, k);
    case LitKind::kExpr:
      break;
  }
  if (!lit.negated) return eval_expr(lit, f, k);
  bool found = false;
  eval_expr(lit, f, [&] {
    found = true;
    return false;
  });
  if (error_) return false;
  return found ? true : k();
}

bool Evaluator::eval_some_in(const Literal& lit, Frame& f, const Cont& k) {
  auto visit = [&](const Value& key, const Value& val) {
    if (lit.key) {
      return unify(*lit.key, key, f, [&] { return unify(*lit.val, val, f, k); });
    }
    return unify(*lit.val, val, f, k);
  };
  return eval_term(*lit.collection, f, [&](const Value& c) {
    switch (c.kind()) {
      case Kind::kArray: {
        const auto& arr = c.as_array();
        for (size_t i = 0; i < arr.size(); ++i) {
          bool more = lit.key ? visit(Value::number(static_cast<int64_t>(i)), arr[i])
                              : unify(*lit.val, arr[i], f, k);
          if (!more) return false;
        }
        return true;
      }
      case Kind::kObject:
        for (const auto& [key, val] : c.as_object()) {
          if (!visit(key, val)) return false;
        }
        return true;
      case Kind::kSet:
        for (const auto& v : c.as_set()) {
          if (!visit(v, v)) return false;
        }
        return true;
      default:
        return true;
    }
  });
}

bool Evaluator::eval_every(const Literal& lit, Frame& f, const Cont& k) {
  return eval_term(*lit.collection, f, [&](const Value& c) {
    if (!c.is_collection()) return true;
    auto holds = [&](const Value& key, const Value& val) {
      bool found = false;
      auto body = [&] {
        return eval_body(*lit.body, 0, f, [&] {
          found = true;
          return false;
        });
      };
      if (lit.key) {
        unify(*lit.key, key, f, [&] { return unify(*lit.val, val, f, body); });
      } else {
        unify(*lit.val, val, f, body);
      }
      return found;
    };
    switch (c.kind()) {
      case Kind::kArray: {
        const auto& arr = c.as_array();
        for (size_t i = 0; i < arr.size(); ++i) {
          if (!holds(Value::number(static_cast<int64_t>(i)), arr[i])) return !error_;
        }
        break;
      }
      case Kind::kObject:
        for (const auto& [key, val] : c.as_object()) {
          if (!holds(key, val)) return !error_;
        }
        break;
      default:
        for (const auto& v : c.as_set()) {
          if (!holds(v, v)) return !error_;
        }
    }
    return k();
  });
}

bool Evaluator::eval_expr(const Literal& lit, Frame& f, const Cont& k) {
  const Term& e = *lit.expr;
  bool top = query_body_ != nullptr && &lit >= query_body_->lits.data() &&
             &lit < query_body_->lits.data() + query_body_->lits.size();
  auto record_true = [&] {
    if (top) expr_values_[&lit] = Value::boolean(true);
    return k();
  };
  // Comparisons of looked-up values (`p.action == input.action`) need no continuation.
  if (is_comparison(e.op) && !e.has_output && e.items.size() == 2 && mocks_.empty()) {
    const Value* a = nullptr;
    const Value* b = nullptr;
    Lookup la = lookup(*e.items[0], f, a);
    if (la == Lookup::kUndefined) return true;
    Lookup lb = la == Lookup::kFound ? lookup(*e.items[1], f, b) : Lookup::kComplex;
    if (lb == Lookup::kUndefined) return true;
    if (lb == Lookup::kFound) return compare_op(e.op, *a, *b) ? record_true() : true;
  }
  if (e.op == TermOp::kEq && e.items.size() == 2) {
    return unify_terms(*e.items[0], *e.items[1], f, record_true);
  }
  if (e.op == TermOp::kAssign && e.items.size() == 2) {
    return eval_term(*e.items[1], f,
                     [&](const Value& v) { return unify(*e.items[0], v, f, record_true); });
  }
  // A query that is just a term (`data.authz.allow`) reports false as its value, as OPA
  // does; everywhere else false fails the expression.
  bool capture =
      top && (e.kind == TermKind::kRef || e.kind == TermKind::kVar || e.kind == TermKind::kValue);
  return eval_term(e, f, [&](const Value& v) {
    if (v.is_false() && !capture) return true;
    if (top) expr_values_[&lit] = v;
    return k();
  });
}

std::optional<RegoError> Evaluator::run(const CompiledQuery& query, std::vector<QueryResult>& out) {
  Frame f;
  f.slots.resize(static_cast<size_t>(query.num_slots));
  query_body_ = query.body.get();
  std::vector<const Literal*> order;
  for (const auto& lit : query.body->lits) order.push_back(&lit);
  std::sort(order.begin(), order.end(), [](const Literal* a, const Literal* b) {
    return a->loc.line != b->loc.line ? a->loc.line < b->loc.line : a->loc.col < b->loc.col;
  });
  eval_body(*query.body, 0, f, [&] {
    QueryResult r;
    for (const auto& [name, slot] : query.outputs) {
      const auto& v = f.slots[static_cast<size_t>(slot)];
      if (v) r.bindings.insert_or_assign(Value::string(name), *v);
    }
    for (const Literal* lit : order) {
      if (lit->kind != LitKind::kExpr) continue;
      auto it = expr_values_.find(lit);
      r.expressions.push_back(it == expr_values_.end() ? Value::boolean(true) : it->second);
    }
    out.push_back(std::move(r));
    return true;
  });
  if (error_) return error_;
  return std::nullopt;
}

}  // namespace dts::rego
