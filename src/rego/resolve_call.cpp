// Name resolution, part 2: calls (builtins vs user functions, arity and literal operand
// checks) and `with` targets.
#include <set>

#include "detail/compiler_impl.hpp"

namespace dts::rego {
namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ".";
    out += p;
  }
  return out;
}

}  // namespace

void Compiler::resolve_with_target(TermPtr& t, Scope& scope) {
  const Term& head = t->kind == TermKind::kRef ? *t->items[0] : *t;
  bool data_function = false;
  if (head.is_var() && head.name == "data") {
    bool user = false;
    std::string name = function_name(*t, scope, user);
    data_function = user;
  }
  if (head.is_var() && (head.name == "input" || head.name == "data") && !data_function) {
    if (t->kind == TermKind::kVar) t->slot = -1;
    for (auto& item : t->items) {
      if (item->is_var()) item->slot = -1;
    }
    return;
  }
  bool user = false;
  std::string name = function_name(*t, scope, user);
  if (!user && registry_.find(name) == nullptr) {
    // A rule reference through a package-local name: turn it into its data ref.
    TermPtr ref;
    if (head.is_var() && global_ref(head.name, head.loc, ref) && ref->kind == TermKind::kRef) {
      for (size_t i = 1; i < t->items.size(); ++i) ref->items.push_back(t->items[i]);
      t = ref;
      return;
    }
    error(kCompileError,
          "with target " + term_to_string(*t) + " must be a ref to input, data or a function",
          t->loc);
    return;
  }
  auto fn = std::make_shared<Term>();
  fn->kind = TermKind::kCall;
  fn->loc = t->loc;
  fn->name = name;
  fn->user_call = user;
  fn->fn = t;
  t = fn;
}

std::string Compiler::function_name(const Term& fn, Scope& scope, bool& user) {
  (void)scope;
  std::vector<std::string> parts;
  if (fn.kind == TermKind::kVar) {
    parts.push_back(fn.name);
  } else if (fn.kind == TermKind::kRef && fn.items[0]->is_var()) {
    parts.push_back(fn.items[0]->name);
    for (size_t i = 1; i < fn.items.size(); ++i) {
      if (fn.items[i]->kind != TermKind::kValue || !fn.items[i]->value.is_string()) return "";
      parts.push_back(fn.items[i]->value.as_string());
    }
  } else {
    return "";
  }
  user = false;
  std::vector<std::string> candidates;
  if (module_ != nullptr) {
    for (const auto& imp : module_->imports) {
      if (imp.path[0] == Value::string("data") && imp.alias == parts[0]) {
        std::vector<std::string> full;
        for (const auto& p : imp.path)
          full.push_back(p.is_string() ? p.as_string() : p.to_string());
        full.insert(full.end(), parts.begin() + 1, parts.end());
        candidates.push_back(join(full));
      }
    }
    std::vector<std::string> local = {"data"};
    for (const auto& p : module_->package)
      local.push_back(p.is_string() ? p.as_string() : p.to_string());
    local.insert(local.end(), parts.begin(), parts.end());
    candidates.push_back(join(local));
  }
  if (parts[0] == "data") candidates.push_back(join(parts));
  for (const auto& c : candidates) {
    if (policy_->function(c) != nullptr) {
      user = true;
      return c;
    }
  }
  return join(parts);
}

void Compiler::resolve_call(Term& t, Scope& scope) {
  for (auto& a : t.items) resolve_term(a, scope);
  if (t.name == "eq" || t.name == "assign") {
    return;
  }
  bool top = &t == top_call_;
  bool user = false;
  std::string name = function_name(*t.fn, scope, user);
  if (name.empty()) {
    error(kTypeError, "invalid function call " + term_to_string(t), t.loc);
    return;
  }
  t.name = name;
  t.user_call = user;
  int nargs = static_cast<int>(t.items.size());
  if (user) {
    const RuleNode* node = policy_->function(name);
    if (current_node_ != nullptr) deps_[current_node_].insert(node);
    if (nargs != node->function_arity && (nargs != node->function_arity + 1 || !top)) {
      error(kTypeError,
            name + ": arity mismatch (function expects " + std::to_string(node->function_arity) +
                " arguments)",
            t.loc);
    }
    return;
  }
  if (name == "walk") {
    if (nargs != 1 && nargs != 2) error(kTypeError, "walk: arity mismatch", t.loc);
    t.has_output = nargs == 2;
    return;
  }
  static const std::set<std::string> kDeprecated = {
      "any",       "all",        "re_match",     "net.cidr_overlap", "set_diff",  "cast_array",
      "cast_set",  "cast_string", "cast_boolean", "cast_null",        "cast_object"};
  if (module_ != nullptr && module_->v1 && kDeprecated.count(name) != 0) {
    error(kTypeError, "deprecated built-in function calls in expression: " + name, t.loc);
    return;
  }
  const Builtin* b = registry_.find(name);
  if (b == nullptr) {
    error(kTypeError, "undefined function " + name + " (could not find function)", t.loc);
    return;
  }
  t.builtin = b;  // saves a registry lookup by name on every evaluation of the call
  if (b->decl.variadic) return;
  int arity = static_cast<int>(b->decl.args.size());
  t.has_output = nargs == arity + 1;
  if (nargs != arity && (nargs != arity + 1 || !top)) {
    error(kTypeError,
          name + ": arity mismatch: expects " + std::to_string(arity) + " argument" +
              (arity == 1 ? "" : "s") + ", got " + std::to_string(nargs),
          t.loc);
    return;
  }
  // Literal operands of the wrong type are caught here, as OPA's type checker does.
  for (int i = 0; i < arity; ++i) {
    const Term& a = *t.items[static_cast<size_t>(i)];
    uint16_t mask = b->decl.args[static_cast<size_t>(i)];
    uint16_t got = 0;
    if (a.kind == TermKind::kValue) got = types::of(a.value);
    if (a.kind == TermKind::kArray || a.kind == TermKind::kArrayCompr) got = types::kArray;
    if (a.kind == TermKind::kObject || a.kind == TermKind::kObjectCompr) got = types::kObject;
    if (a.kind == TermKind::kSet || a.kind == TermKind::kSetCompr) got = types::kSet;
    if (got != 0 && (mask & got) == 0) {
      std::string got_name =
          a.kind == TermKind::kValue ? std::string(a.value.type_name()) : "composite";
      error(kTypeError,
            name + ": operand " + std::to_string(i + 1) + " has wrong type (got " + got_name + ")",
            a.loc);
      return;
    }
  }
}

}  // namespace dts::rego
