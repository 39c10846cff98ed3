// Evaluation of terms: scalars, composites, refs (including the virtual data tree),
// comprehensions, and unification.
#include "detail/evaluator.hpp"

namespace dts::rego {

bool Evaluator::bind(int slot, const Value& v, Frame& f, const Cont& k) {
  auto& s = f.slots[static_cast<size_t>(slot)];
  if (s) return *s == v ? k() : true;
  s = v;
  bool r = k();
  f.slots[static_cast<size_t>(slot)].reset();
  return r;
}

bool Evaluator::eval_items(const std::vector<TermPtr>& items, size_t i, size_t end,
                           std::vector<Value>& acc, Frame& f, const Cont& k) {
  if (i == end) return k();
  return eval_term(*items[i], f, [&](const Value& v) {
    acc.push_back(v);
    bool r = eval_items(items, i + 1, end, acc, f, k);
    acc.pop_back();
    return r;
  });
}

bool Evaluator::eval_term(const Term& t, Frame& f, const VCont& k) {
  switch (t.kind) {
    case TermKind::kValue:
      return k(t.value);
    case TermKind::kVar: {
      if (t.slot >= 0) {
        const auto& s = f.slots[static_cast<size_t>(t.slot)];
        return s ? k(*s) : true;
      }
      if (t.op == TermOp::kInput) return input_ ? k(*input_) : true;
      if (t.op == TermOp::kData) {
        auto v = virtual_doc(policy_.root(), &data_);
        if (error_) return false;
        return v ? k(*v) : true;
      }
      return true;
    }
    case TermKind::kRef:
      return eval_ref(t, f, k);
    case TermKind::kArray: {
      std::vector<Value> acc;
      acc.reserve(t.items.size());
      return eval_items(t.items, 0, t.items.size(), acc, f, [&] { return k(Value::array(Array(acc))); });
    }
    case TermKind::kSet: {
      std::vector<Value> acc;
      acc.reserve(t.items.size());
      return eval_items(t.items, 0, t.items.size(), acc, f,
                        [&] { return k(Value::set(Set(acc.begin(), acc.end()))); });
    }
    case TermKind::kObject: {
      std::vector<Value> acc;
      acc.reserve(t.items.size());
      return eval_items(t.items, 0, t.items.size(), acc, f, [&] {
        Object obj;
        for (size_t i = 0; i + 1 < acc.size(); i += 2) obj.insert_or_assign(acc[i], acc[i + 1]);
        return k(Value::object(std::move(obj)));
      });
    }
    case TermKind::kCall:
      return eval_call(t, f, k);
    default:
      return eval_compr(t, f, k);
  }
}

bool Evaluator::eval_compr(const Term& t, Frame& f, const VCont& k) {
  if (!enter(t.loc)) return false;
  Array arr;
  Set set;
  Object obj;
  bool ok = eval_body(*t.body, 0, f, [&] {
    if (t.kind == TermKind::kObjectCompr) {
      return eval_term(*t.key, f, [&](const Value& key) {
        return eval_term(*t.head, f, [&](const Value& val) {
          auto it = obj.find(key);
          if (it != obj.end() && it->second != val) {
            return fail(kEvalConflictError, "object keys must be unique", t.loc);
          }
          obj.insert_or_assign(key, val);
          return obj.size() <= options_.max_collection_size ||
                 fail(kEvalLimitError, "collection too large", t.loc);
        });
      });
    }
    return eval_term(*t.head, f, [&](const Value& v) {
      if (t.kind == TermKind::kArrayCompr) {
        arr.push_back(v);
      } else {
        set.insert(v);
      }
      return arr.size() + set.size() <= options_.max_collection_size ||
             fail(kEvalLimitError, "collection too large", t.loc);
    });
  });
  leave();
  if (!ok && error_) return false;
  if (t.kind == TermKind::kArrayCompr) return k(Value::array(std::move(arr)));
  if (t.kind == TermKind::kSetCompr) return k(Value::set(std::move(set)));
  return k(Value::object(std::move(obj)));
}

const Value* Evaluator::ground_value(const Term& t, const Frame& f) const {
  switch (t.kind) {
    case TermKind::kValue:
      return &t.value;
    case TermKind::kVar:
      if (t.slot >= 0) {
        const auto& s = f.slots[static_cast<size_t>(t.slot)];
        return s ? &*s : nullptr;
      }
      if (t.op == TermOp::kInput && input_) return &*input_;
      return nullptr;
    default:
      return nullptr;
  }
}

Evaluator::Lookup Evaluator::lookup(const Term& t, const Frame& f, const Value*& out) const {
  if (const Value* v = ground_value(t, f)) {
    out = v;
    return Lookup::kFound;
  }
  if (t.kind != TermKind::kRef) return Lookup::kComplex;
  const Term& head = *t.items[0];
  const Value* cur = nullptr;
  if (head.is_var() && head.slot >= 0) {
    const auto& s = f.slots[static_cast<size_t>(head.slot)];
    if (!s) return Lookup::kComplex;
    cur = &*s;
  } else if (head.is_var() && head.op == TermOp::kInput) {
    if (!input_) return Lookup::kUndefined;
    cur = &*input_;
  } else {
    return Lookup::kComplex;
  }
  for (size_t i = 1; i < t.items.size(); ++i) {
    const Value* key = ground_value(*t.items[i], f);
    if (key == nullptr) return Lookup::kComplex;
    cur = cur->find(*key);
    if (cur == nullptr) return Lookup::kUndefined;
  }
  out = cur;
  return Lookup::kFound;
}

bool Evaluator::eval_ref(const Term& t, Frame& f, const VCont& k) {
  const Term& head = *t.items[0];
  if (head.is_var() && head.slot < 0) {
    if (head.op == TermOp::kData) {
      return eval_data(t, 1, &policy_.root(), &data_, f, k);
    }
    if (head.op == TermOp::kInput) {
      return input_ ? eval_path(t, 1, *input_, f, k) : true;
    }
  }
  return eval_term(head, f, [&](const Value& v) { return eval_path(t, 1, v, f, k); });
}

bool Evaluator::eval_path(const Term& ref, size_t i, const Value& start, Frame& f,
                          const VCont& k) {
  // Ground steps (constants and bound vars, the common `input.user.name` or `p.action`) are
  // plain lookups; only a step that enumerates needs a continuation.
  const Value* at = &start;
  for (; i < ref.items.size(); ++i) {
    const Value* key = ground_value(*ref.items[i], f);
    if (key == nullptr) break;
    at = at->find(*key);
    if (at == nullptr) return true;
  }
  const Value& cur = *at;
  if (i == ref.items.size()) return k(cur);
  const Term& p = *ref.items[i];
  if (p.is_var() && p.slot >= 0 && !f.slots[static_cast<size_t>(p.slot)]) {
    switch (cur.kind()) {
      case Kind::kArray: {
        const auto& arr = cur.as_array();
        for (size_t j = 0; j < arr.size(); ++j) {
          bool r = bind(p.slot, Value::number(static_cast<int64_t>(j)), f,
                        [&] { return eval_path(ref, i + 1, arr[j], f, k); });
          if (!r) return false;
        }
        return true;
      }
      case Kind::kObject:
        // Not a structured binding: lambdas capturing those need clang >= 16 (fuzz build).
        for (const auto& entry : cur.as_object()) {
          const Value& val = entry.second;
          if (!bind(p.slot, entry.first, f, [&] { return eval_path(ref, i + 1, val, f, k); })) {
            return false;
          }
        }
        return true;
      case Kind::kSet:
        for (const auto& v : cur.as_set()) {
          if (!bind(p.slot, v, f, [&] { return eval_path(ref, i + 1, v, f, k); })) return false;
        }
        return true;
      default:
        return true;
    }
  }
  return eval_term(p, f, [&](const Value& key) {
    const Value* next = cur.find(key);
    return next == nullptr ? true : eval_path(ref, i + 1, *next, f, k);
  });
}

// Walks data.<path> through the rule tree: rule nodes evaluate their rules, other nodes merge
// base data with the virtual documents below them.
bool Evaluator::eval_data(const Term& ref, size_t i, const RuleNode* node, const Value* base,
                          Frame& f, const VCont& k) {
  if (const Value* o = override_at(node->path)) {
    return eval_path(ref, i, *o, f, k);
  }
  if (node->has_rules()) {
    auto v = node_value(*node);
    if (error_) return false;
    return v ? eval_path(ref, i, *v, f, k) : true;
  }
  if (node->is_function()) {
    if (node->function_arity != 0) return true;
    auto v = call_function(*node, {}, ref.loc);
    if (error_) return false;
    return v ? eval_path(ref, i, *v, f, k) : true;
  }
  if (i == ref.items.size()) {
    auto v = virtual_doc(*node, base);
    if (error_) return false;
    return v ? k(*v) : true;
  }
  const Term& p = *ref.items[i];
  if (p.is_var() && p.slot >= 0 && !f.slots[static_cast<size_t>(p.slot)]) {
    auto v = virtual_doc(*node, base);
    if (error_) return false;
    return v ? eval_path(ref, i, *v, f, k) : true;
  }
  return eval_term(p, f, [&](const Value& key) {
    const RuleNode* child = node->child(key);
    const Value* next_base = base != nullptr ? base->find(key) : nullptr;
    if (child != nullptr) return eval_data(ref, i + 1, child, next_base, f, k);
    if (overrides_.empty()) return next_base == nullptr || eval_path(ref, i + 1, *next_base, f, k);
    std::vector<Value> path = node->path;
    path.push_back(key);
    if (const Value* o = override_at(path)) return eval_path(ref, i + 1, *o, f, k);
    if (next_base == nullptr) return true;
    Value patched = with_overrides(*next_base, path);
    return eval_path(ref, i + 1, patched, f, k);
  });
}

// Base data below `path` with every `with data...` override under it applied.
Value Evaluator::with_overrides(const Value& base, const std::vector<Value>& path) const {
  Value out = base;
  for (const auto& override_entry : overrides_) {
    const auto& opath = override_entry.first;  // named, not bound: captured below (clang 14)
    const auto& val = override_entry.second;
    if (opath.size() <= path.size() || !std::equal(path.begin(), path.end(), opath.begin())) {
      continue;
    }
    std::function<Value(const Value&, size_t)> set = [&](const Value& cur, size_t i) -> Value {
      if (i == opath.size()) return val;
      Object obj = cur.is_object() ? cur.as_object() : Object{};
      auto it = obj.find(opath[i]);
      obj.insert_or_assign(opath[i],
                           set(it == obj.end() ? Value::empty_object() : it->second, i + 1));
      return Value::object(std::move(obj));
    };
    out = set(out, path.size());
  }
  return out;
}

bool Evaluator::evaluable(const Term& t, const Frame& f) const {
  switch (t.kind) {
    case TermKind::kVar:
      return t.slot < 0 || f.slots[static_cast<size_t>(t.slot)].has_value();
    case TermKind::kRef:
      return evaluable(*t.items[0], f);
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (const auto& item : t.items) {
        if (!evaluable(*item, f)) return false;
      }
      return true;
    case TermKind::kCall: {
      size_t n = t.has_output ? t.items.size() - 1 : t.items.size();
      for (size_t i = 0; i < n; ++i) {
        if (!evaluable(*t.items[i], f)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

bool Evaluator::unify(const Term& pattern, const Value& v, Frame& f, const Cont& k) {
  switch (pattern.kind) {
    case TermKind::kVar:
      if (pattern.slot >= 0) return bind(pattern.slot, v, f, k);
      break;
    case TermKind::kArray: {
      if (!v.is_array() || v.as_array().size() != pattern.items.size()) return true;
      const auto& arr = v.as_array();
      auto step = [&](auto& self, size_t i) -> bool {
        if (i == arr.size()) return k();
        return unify(*pattern.items[i], arr[i], f, [&] { return self(self, i + 1); });
      };
      return step(step, 0);
    }
    case TermKind::kObject: {
      if (!v.is_object() || v.as_object().size() * 2 != pattern.items.size()) return true;
      auto step = [&](auto& self, size_t i) -> bool {
        if (i >= pattern.items.size()) return k();
        return eval_term(*pattern.items[i], f, [&](const Value& key) {
          const Value* val = v.find(key);
          if (val == nullptr) return true;
          return unify(*pattern.items[i + 1], *val, f, [&] { return self(self, i + 2); });
        });
      };
      return step(step, 0);
    }
    default:
      break;
  }
  const Value* pv = nullptr;
  switch (lookup(pattern, f, pv)) {
    case Lookup::kFound:
      return *pv == v ? k() : true;
    case Lookup::kUndefined:
      return true;
    case Lookup::kComplex:
      break;
  }
  return eval_term(pattern, f, [&](const Value& pv) { return pv == v ? k() : true; });
}

bool Evaluator::unify_terms(const Term& a, const Term& b, Frame& f, const Cont& k) {
  auto unbound_var = [&](const Term& t) { return t.is_var() && t.slot >= 0 && !evaluable(t, f); };
  if (unbound_var(a)) {
    return eval_term(b, f, [&](const Value& v) { return unify(a, v, f, k); });
  }
  if (unbound_var(b)) {
    return eval_term(a, f, [&](const Value& v) { return unify(b, v, f, k); });
  }
  bool ea = evaluable(a, f);
  bool eb = evaluable(b, f);
  if (a.kind == TermKind::kArray && b.kind == TermKind::kArray && !(ea && eb)) {
    if (a.items.size() != b.items.size()) return true;
    auto step = [&](auto& self, size_t i) -> bool {
      if (i == a.items.size()) return k();
      return unify_terms(*a.items[i], *b.items[i], f, [&] { return self(self, i + 1); });
    };
    return step(step, 0);
  }
  if (ea) {
    return eval_term(a, f, [&](const Value& v) { return unify(b, v, f, k); });
  }
  return eval_term(b, f, [&](const Value& v) { return unify(a, v, f, k); });
}

}  // namespace dts::rego
