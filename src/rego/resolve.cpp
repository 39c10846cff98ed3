// Name resolution: locals -> frame slots, rule names and imports -> data refs, calls ->
// builtins or user functions (with arity checks).
#include <algorithm>
#include <set>

#include "detail/compiler_impl.hpp"

namespace dts::rego {
namespace {

TermPtr make_ref(const std::vector<Value>& path, const std::string& root, const Location& loc) {
  auto ref = std::make_shared<Term>();
  ref->kind = TermKind::kRef;
  ref->loc = loc;
  ref->items.push_back(make_var(root, loc));
  ref->items.back()->slot = -1;
  for (const auto& v : path) ref->items.push_back(make_value(v, loc));
  return ref;
}

}  // namespace

int Compiler::declare(const std::string& name, Scope& scope) {
  int slot = next_slot_++;
  scope.vars[name] = slot;
  slot_names_[slot] = name;
  return slot;
}

int Compiler::lookup(const std::string& name, Scope& scope) {
  std::vector<std::set<int>*> crossed;
  for (Scope* cur = &scope; cur != nullptr; cur = cur->parent) {
    auto it = cur->vars.find(name);
    if (it != cur->vars.end()) {
      for (auto* c : crossed) c->insert(it->second);
      return it->second;
    }
    if (cur->captures != nullptr) crossed.push_back(cur->captures);
  }
  return -1;
}

bool Compiler::global_ref(const std::string& name, const Location& loc, TermPtr& out) {
  if (name == "input" || name == "data") {
    out = make_var(name, loc);
    out->slot = -1;
    return true;
  }
  if (module_ == nullptr) {
    return false;
  }
  for (const auto& imp : module_->imports) {
    const std::string& root = imp.path[0].as_string();
    if ((root == "data" || root == "input") && imp.alias == name) {
      std::vector<Value> rest(imp.path.begin() + 1, imp.path.end());
      out = make_ref(rest, root, loc);
      if (rest.empty()) out = out->items[0];
      return true;
    }
  }
  const RuleNode* node = &policy_->root();
  for (const auto& p : module_->package) {
    node = node->child(p);
    if (node == nullptr) return false;
  }
  if (node->child(Value::string(name)) != nullptr) {
    std::vector<Value> path = module_->package;
    path.push_back(Value::string(name));
    out = make_ref(path, "data", loc);
    return true;
  }
  return false;
}

void Compiler::collect_vars(const TermPtr& t, std::vector<TermPtr>& out) {
  if (!t) return;
  switch (t->kind) {
    case TermKind::kVar:
      out.push_back(t);
      return;
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kObject:
    case TermKind::kSet:
    case TermKind::kCall:
      for (const auto& item : t->items) collect_vars(item, out);
      return;
    default:
      return;  // values; comprehensions have their own scope
  }
}

void Compiler::declare_pattern(const TermPtr& t, Scope& scope, bool shadow) {
  std::vector<TermPtr> vars;
  if (t->kind == TermKind::kVar) {
    vars.push_back(t);
  } else if (t->kind == TermKind::kArray) {
    for (const auto& item : t->items) declare_pattern(item, scope, shadow);
  } else if (t->kind == TermKind::kObject) {
    for (size_t i = 1; i < t->items.size(); i += 2) declare_pattern(t->items[i], scope, shadow);
  }
  for (const auto& v : vars) {
    if ((v->name == "input" || v->name == "data") && module_ != nullptr && module_->v1) {
      error(kCompileError, v->name + " cannot be shadowed", v->loc);
      continue;
    }
    if (shadow || scope.vars.find(v->name) == scope.vars.end()) {
      declare(v->name, scope);
    }
  }
}

namespace {

// OPA's type checker rejects unifying composite literals that can never match.
bool literals_mismatch(const Term& a, const Term& b) {
  bool ca = a.kind == TermKind::kArray || a.kind == TermKind::kObject;
  bool cb = b.kind == TermKind::kArray || b.kind == TermKind::kObject;
  if (!ca || !cb) return false;
  if (a.kind != b.kind || a.items.size() != b.items.size()) return true;
  if (a.kind == TermKind::kArray) {
    for (size_t i = 0; i < a.items.size(); ++i) {
      if (literals_mismatch(*a.items[i], *b.items[i])) return true;
    }
    return false;
  }
  std::vector<Value> ka;
  std::vector<Value> kb;
  for (size_t i = 0; i < a.items.size(); i += 2) {
    if (a.items[i]->kind != TermKind::kValue || b.items[i]->kind != TermKind::kValue) return false;
    ka.push_back(a.items[i]->value);
    kb.push_back(b.items[i]->value);
  }
  std::sort(ka.begin(), ka.end());
  std::sort(kb.begin(), kb.end());
  return ka != kb;
}

}  // namespace

void Compiler::predeclare(Body& body, Scope& scope) {
  std::set<std::string> used_before;
  for (auto& lit : body.lits) {
    std::vector<TermPtr> declared;
    if (lit.kind == LitKind::kExpr && lit.expr->kind == TermKind::kCall && lit.expr->name == "eq" &&
        lit.expr->items.size() == 2 &&
        literals_mismatch(*lit.expr->items[0], *lit.expr->items[1])) {
      error(kTypeError,
            "match error: incompatible destructuring patterns: both sides must be "
            "arrays or objects with matching structure",
            lit.loc);
    }
    if (lit.kind == LitKind::kExpr && lit.expr->kind == TermKind::kCall &&
        lit.expr->name == "assign" && lit.expr->items.size() == 2) {
      const TermPtr& lhs = lit.expr->items[0];
      if (lhs->kind != TermKind::kVar && lhs->kind != TermKind::kArray &&
          lhs->kind != TermKind::kObject) {
        error(kCompileError,
              "cannot assign to " + term_to_string(*lhs) +
                  " (assignment operator := requires left-hand side to be a variable or pattern)",
              lit.loc);
        continue;
      }
      collect_vars(lhs, declared);
      for (const auto& v : declared) {
        if (!v->is_wildcard() && (used_before.count(v->name) || scope.vars.count(v->name))) {
          error(kCompileError,
                "var " + v->name + " assigned above (var `" + v->name +
                    "` used before definition below)",
                lit.loc);
        }
      }
      declare_pattern(lhs, scope, true);
    } else if (lit.kind == LitKind::kSome) {
      for (const auto& v : lit.some_vars) declare_pattern(v, scope, true);
    } else if (lit.kind == LitKind::kSomeIn) {
      if (lit.key) collect_vars(lit.key, declared);
      collect_vars(lit.val, declared);
      for (const auto& v : declared) {
        if (!v->is_wildcard() && (used_before.count(v->name) || scope.vars.count(v->name))) {
          error(kCompileError,
                "var " + v->name + " referenced above (var `" + v->name +
                    "` used before definition below)",
                lit.loc);
        }
      }
      if (lit.key) declare_pattern(lit.key, scope, true);
      declare_pattern(lit.val, scope, true);
    }
    std::vector<TermPtr> vars;
    if (lit.expr) collect_vars(lit.expr, vars);
    if (lit.collection) collect_vars(lit.collection, vars);
    for (const auto& v : vars) used_before.insert(v->name);
    for (const auto& v : declared) used_before.insert(v->name);
  }
  TermPtr unused;
  for (auto& lit : body.lits) {
    std::vector<TermPtr> vars;
    if (lit.kind == LitKind::kExpr) {
      collect_vars(lit.expr->kind == TermKind::kCall ? lit.expr : lit.expr, vars);
    } else if (lit.kind == LitKind::kSomeIn || lit.kind == LitKind::kEvery) {
      collect_vars(lit.collection, vars);
    }
    for (const auto& w : lit.withs) collect_vars(w.value, vars);
    for (const auto& v : vars) {
      if (lookup(v->name, scope) >= 0) continue;
      if (!v->is_wildcard() && global_ref(v->name, v->loc, unused)) continue;
      declare(v->name, scope);
    }
  }
}

void Compiler::resolve_body(Body& body, Scope& scope) {
  for (auto& lit : body.lits) resolve_literal(lit, scope);
}

void Compiler::resolve_literal(Literal& lit, Scope& scope) {
  if (lit.kind == LitKind::kSomeIn &&
      lit.collection->kind == TermKind::kValue && !lit.collection->value.is_collection()) {
    // Like OPA's type checker: iterating a scalar literal can never succeed.
    error(kTypeError,
          "`some .. in collection` expects array/set/object, got " +
              std::string(lit.collection->value.type_name()),
          lit.loc);
  }
  switch (lit.kind) {
    case LitKind::kExpr:
      top_call_ = lit.expr.get();  // only a literal's own call may take an output operand
      resolve_term(lit.expr, scope);
      break;
    case LitKind::kSome:
      for (auto& v : lit.some_vars) resolve_term(v, scope);
      break;
    case LitKind::kSomeIn:
      if (lit.key) resolve_term(lit.key, scope);
      resolve_term(lit.val, scope);
      resolve_term(lit.collection, scope);
      break;
    case LitKind::kEvery: {
      resolve_term(lit.collection, scope);
      std::set<int> captures;
      Scope child{&scope, {}, &captures};
      if (lit.key) declare_pattern(lit.key, child, true);
      declare_pattern(lit.val, child, true);
      if (lit.key) resolve_term(lit.key, child);
      resolve_term(lit.val, child);
      predeclare(*lit.body, child);
      resolve_body(*lit.body, child);
      lit.free_slots.assign(captures.begin(), captures.end());
      break;
    }
  }
  for (auto& w : lit.withs) {
    resolve_with_target(w.target, scope);
    if (w.target->kind == TermKind::kCall &&
        (w.value->kind == TermKind::kVar || w.value->kind == TermKind::kRef) &&
        !(w.value->is_var() && lookup(w.value->name, scope) >= 0)) {
      // `with f as g`: g names a replacement function, not a value.
      bool user = false;
      std::string fname = function_name(*w.value, scope, user);
      if (!fname.empty() && (user || registry_.find(fname) != nullptr)) {
        auto marker = std::make_shared<Term>();
        marker->kind = TermKind::kCall;
        marker->loc = w.value->loc;
        marker->fn = w.value;
        marker->name = fname;
        marker->user_call = user;
        w.value = marker;
        continue;
      }
    }
    resolve_term(w.value, scope);
  }
}

void Compiler::resolve_term(TermPtr& t, Scope& scope) {
  switch (t->kind) {
    case TermKind::kValue:
      return;
    case TermKind::kVar: {
      if (t->slot >= 0 || (t->slot == -1 && (t->name == "input" || t->name == "data") &&
                           lookup(t->name, scope) < 0)) {
        if (t->slot >= 0) return;
      }
      int slot = lookup(t->name, scope);
      if (slot >= 0) {
        t->slot = slot;
        return;
      }
      TermPtr ref;
      if (!t->is_wildcard() && global_ref(t->name, t->loc, ref)) {
        t = ref;
        if (t->kind == TermKind::kRef && t->items[0]->name == "data" && !resolving_ref_head_) {
          note_data_ref(*t);
        }
        return;
      }
      t->slot = declare(t->name, scope);
      return;
    }
    case TermKind::kRef: {
      resolving_ref_head_ = t->items[0]->is_var();
      resolve_term(t->items[0], scope);
      resolving_ref_head_ = false;
      if (t->items[0]->kind == TermKind::kRef) {
        // Head expanded into a ref (import alias or rule name): flatten.
        auto head = t->items[0];
        std::vector<TermPtr> items = head->items;
        items.insert(items.end(), t->items.begin() + 1, t->items.end());
        t->items = std::move(items);
      }
      for (size_t i = 1; i < t->items.size(); ++i) resolve_term(t->items[i], scope);
      if (t->items[0]->is_var() && t->items[0]->slot < 0 && t->items[0]->name == "data") {
        note_data_ref(*t);
      }
      return;
    }
    case TermKind::kArray:
    case TermKind::kObject:
    case TermKind::kSet: {
      bool constant = true;
      for (auto& item : t->items) {
        resolve_term(item, scope);
        constant = constant && item->kind == TermKind::kValue;
      }
      // Constant composites are folded once here instead of being rebuilt per evaluation
      // (this also lets rule indexing use them).
      if (constant) {
        Value v;
        if (t->kind == TermKind::kArray) {
          Array arr;
          for (const auto& item : t->items) arr.push_back(item->value);
          v = Value::array(std::move(arr));
        } else if (t->kind == TermKind::kSet) {
          Set set;
          for (const auto& item : t->items) set.insert(item->value);
          v = Value::set(std::move(set));
        } else {
          Object obj;
          for (size_t i = 0; i + 1 < t->items.size(); i += 2) {
            obj.insert_or_assign(t->items[i]->value, t->items[i + 1]->value);
          }
          v = Value::object(std::move(obj));
        }
        t = make_value(std::move(v), t->loc);
      }
      return;
    }
    case TermKind::kCall:
      resolve_call(*t, scope);
      return;
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr: {
      std::set<int> captures;
      Scope child{&scope, {}, &captures};
      predeclare(*t->body, child);
      std::vector<TermPtr> head_vars;
      collect_vars(t->head, head_vars);
      collect_vars(t->key, head_vars);
      resolve_body(*t->body, child);
      if (t->key) resolve_term(t->key, child);
      resolve_term(t->head, child);
      t->free_slots.assign(captures.begin(), captures.end());
      return;
    }
  }
}

}  // namespace dts::rego
