// Per-frame compilation: one rule clause or one query (scopes, slots, safety of heads).
#include "detail/compiler_impl.hpp"

namespace dts::rego {
namespace {

// The first term kind that may not appear in a default rule's value, if any.
const char* non_constant(const TermPtr& t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case TermKind::kVar:
      return "var";
    case TermKind::kRef:
      return "ref";
    case TermKind::kCall:
      return "call";
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
      return nullptr;  // comprehensions are closed terms: allowed
    default:
      for (const auto& item : t->items) {
        if (const char* k = non_constant(item)) return k;
      }
      return nullptr;
  }
}

}  // namespace

void Compiler::compile_rule(Rule& r) {
  next_slot_ = 0;
  slot_names_.clear();
  if (r.is_default) {
    if (const char* kind = non_constant(r.value)) {
      error(kCompileError, std::string("invalid `") + kind + "` in default value", r.loc);
      return;
    }
  }
  Scope scope;
  for (auto& a : r.args) declare_pattern(a, scope, false);
  predeclare(r.body, scope);
  resolve_body(r.body, scope);
  for (auto& a : r.args) resolve_term(a, scope);
  for (auto& k : r.keys) resolve_term(k, scope);
  if (r.key) resolve_term(r.key, scope);
  if (r.value) resolve_term(r.value, scope);

  std::set<int> bound;
  for (const auto& a : r.args) {
    std::set<int> outs;
    std::set<int> missing;
    pattern_ready(a, bound, outs, missing);
    bound.insert(outs.begin(), outs.end());
  }
  if (!order_body(r.body, bound)) {
    return;
  }
  std::vector<TermPtr> head = r.keys;
  if (r.key) head.push_back(r.key);
  if (r.value) head.push_back(r.value);
  for (const auto& t : head) {
    std::set<int> outs;
    std::set<int> missing;
    order_nested(t, bound);
    if (!term_ready(t, bound, outs, missing)) {
      for (int s : missing) {
        error(kUnsafeVarError, "var " + slot_names_[s] + " is unsafe", t->loc);
      }
    }
  }
  r.num_slots = next_slot_;
}

std::shared_ptr<CompiledQuery> Compiler::compile_query(std::shared_ptr<Body> body,
                                                       const CompiledPolicy& policy) {
  policy_ = &policy;
  module_ = nullptr;
  current_node_ = nullptr;
  next_slot_ = 0;
  slot_names_.clear();
  size_t before = errors_.size();
  Scope scope;
  predeclare(*body, scope);
  resolve_body(*body, scope);
  std::set<int> bound;
  if (errors_.size() != before || !order_body(*body, bound)) {
    return nullptr;
  }
  annotate_ops(*body);
  auto q = std::make_shared<CompiledQuery>();
  q->body = std::move(body);
  q->num_slots = next_slot_;
  for (const auto& [name, slot] : scope.vars) {
    if (name.rfind("$", 0) != 0) q->outputs.emplace_back(name, slot);
  }
  std::sort(q->outputs.begin(), q->outputs.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return q;
}

}  // namespace dts::rego
