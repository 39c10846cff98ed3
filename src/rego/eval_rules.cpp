// Rule evaluation: complete/set/object rule nodes (memoized per evaluation), the merged
// virtual document of a data subtree, and user function calls.
#include "detail/evaluator.hpp"

namespace dts::rego {
namespace {

void add_distinct(std::vector<Value>& values, const Value& v) {
  for (const auto& x : values) {
    if (x == v) return;
  }
  values.push_back(v);
}

// Inserts `val` at keys[i..] into obj; false on a conflicting leaf.
bool insert_nested(Object& obj, const std::vector<Value>& keys, size_t i, const Value& val) {
  auto it = obj.find(keys[i]);
  if (i + 1 == keys.size()) {
    if (it != obj.end()) return it->second == val;
    obj.emplace(keys[i], val);
    return true;
  }
  Object child;
  if (it != obj.end()) {
    if (!it->second.is_object()) return false;
    child = it->second.as_object();
  }
  if (!insert_nested(child, keys, i + 1, val)) return false;
  obj.insert_or_assign(keys[i], Value::object(std::move(child)));
  return true;
}

Value deep_set(const Value& root, const std::vector<Value>& path, size_t i, const Value& v) {
  if (i == path.size()) return v;
  Object obj = root.is_object() ? root.as_object() : Object{};
  auto it = obj.find(path[i]);
  Value child = it == obj.end() ? Value::empty_object() : it->second;
  obj.insert_or_assign(path[i], deep_set(child, path, i + 1, v));
  return Value::object(std::move(obj));
}

}  // namespace

const Value* Evaluator::override_at(const std::vector<Value>& path) const {
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (it->first == path) return &it->second;
  }
  return nullptr;
}

bool Evaluator::eval_rule_values(const Rule& rule, std::vector<Value>& values) {
  for (const Rule* clause = &rule; clause != nullptr; clause = clause->else_rule.get()) {
    Frame fr;
    fr.slots.resize(static_cast<size_t>(clause->num_slots));
    bool found = false;
    // A constant value needs only one solution (OPA's early exit): later solutions could
    // only repeat it.
    bool constant = clause->value->kind == TermKind::kValue;
    eval_body(clause->body, 0, fr, [&] {
      return eval_term(*clause->value, fr, [&](const Value& v) {
        found = true;
        add_distinct(values, v);
        return !constant;
      });
    });
    if (error_) return false;
    if (found) break;
  }
  return true;
}

std::optional<Value> Evaluator::node_value(const RuleNode& node) {
  if (auto it = cache_->find(&node); it != cache_->end()) return it->second;
  const Location& loc = node.rules.empty() ? node.default_rule->loc : node.rules[0]->loc;
  if (in_progress_[&node]) {
    fail(kEvalLimitError, "recursion detected evaluating " + node.path_string(), loc);
    return std::nullopt;
  }
  if (!enter(loc)) return std::nullopt;
  in_progress_[&node] = true;
  std::optional<Value> result;
  // Rule indexing: only rules whose input equality can hold are evaluated.
  std::vector<RulePtr> selected;
  if (node.index) {
    const Value* actual = input_ ? &*input_ : nullptr;
    for (const auto& p : node.index->input_path) {
      if (actual == nullptr) break;
      actual = actual->find(p);
    }
    for (size_t i : node.index->candidates(actual)) selected.push_back(node.rules[i]);
  }
  const std::vector<RulePtr>& rules = node.index ? selected : node.rules;
  switch (node.kind()) {
    case RuleKind::kComplete:
    case RuleKind::kFunction: {
      std::vector<Value> values;
      for (const auto& r : rules) {
        if (!eval_rule_values(*r, values)) break;
        if (values.size() > 1) {
          fail(kEvalConflictError, "complete rules must not produce multiple outputs", r->loc);
          break;
        }
      }
      if (!values.empty()) {
        result = values[0];
      } else if (node.default_rule && !error_) {
        Frame fr;
        fr.slots.resize(static_cast<size_t>(node.default_rule->num_slots));
        eval_term(*node.default_rule->value, fr, [&](const Value& v) {
          result = v;
          return false;
        });
      }
      break;
    }
    case RuleKind::kSet: {
      Set set;
      for (const auto& r : rules) {
        Frame fr;
        fr.slots.resize(static_cast<size_t>(r->num_slots));
        bool constant = r->key->kind == TermKind::kValue;
        eval_body(r->body, 0, fr, [&] {
          return eval_term(*r->key, fr, [&](const Value& v) {
            set.insert(v);
            if (constant) return false;
            return set.size() <= options_.max_collection_size ||
                   fail(kEvalLimitError, "collection too large", r->loc);
          });
        });
        if (error_) break;
      }
      result = Value::set(std::move(set));
      break;
    }
    case RuleKind::kObject: {
      Object obj;
      for (const auto& r : rules) {
        Frame fr;
        fr.slots.resize(static_cast<size_t>(r->num_slots));
        std::vector<Value> keys;
        bool constant = r->value->kind == TermKind::kValue;
        for (const auto& key : r->keys) constant = constant && key->kind == TermKind::kValue;
        eval_body(r->body, 0, fr, [&] {
          return eval_items(r->keys, 0, r->keys.size(), keys, fr, [&] {
            return eval_term(*r->value, fr, [&](const Value& v) {
              if (!insert_nested(obj, keys, 0, v)) {
                return fail(kEvalConflictError, "object keys must be unique", r->loc);
              }
              return !constant;
            });
          });
        });
        if (error_) break;
      }
      result = Value::object(std::move(obj));
      break;
    }
  }
  in_progress_[&node] = false;
  leave();
  if (error_) return std::nullopt;
  cache_->emplace(&node, result);
  return result;
}

std::optional<Value> Evaluator::virtual_doc(const RuleNode& node, const Value* base) {
  if (const Value* o = override_at(node.path)) return *o;
  if (node.has_rules()) return node_value(node);
  if (node.is_function()) {
    // A function without parameters is also readable as a document.
    return node.function_arity == 0 ? call_function(node, {}, Location{}) : std::nullopt;
  }
  if (base != nullptr && !base->is_object() && node.children.empty()) return *base;
  Object obj;
  if (base != nullptr && base->is_object()) obj = base->as_object();
  for (const auto& [key, child] : node.children) {
    const Value* child_base = base != nullptr ? base->find(key) : nullptr;
    auto v = virtual_doc(*child, child_base);
    if (error_) return std::nullopt;
    if (v) obj.insert_or_assign(key, *v);
  }
  Value out = Value::object(std::move(obj));
  for (const auto& [path, val] : overrides_) {
    if (path.size() > node.path.size() &&
        std::equal(node.path.begin(), node.path.end(), path.begin())) {
      std::vector<Value> rest(path.begin() + static_cast<long>(node.path.size()), path.end());
      out = deep_set(out, rest, 0, val);
    }
  }
  return out;
}

std::optional<Value> Evaluator::call_function(const RuleNode& node, std::span<const Value> args,
                                              const Location& loc) {
  if (!enter(loc)) return std::nullopt;
  std::vector<Value> values;
  for (const auto& r : node.functions) {
    for (const Rule* clause = r.get(); clause != nullptr; clause = clause->else_rule.get()) {
      Frame fr;
      fr.slots.resize(static_cast<size_t>(clause->num_slots));
      bool found = false;
      auto step = [&](auto& self, size_t i) -> bool {
        if (i == clause->args.size()) {
          return eval_body(clause->body, 0, fr, [&] {
            return eval_term(*clause->value, fr, [&](const Value& v) {
              found = true;
              add_distinct(values, v);
              return true;
            });
          });
        }
        return unify(*clause->args[i], args[i], fr, [&] { return self(self, i + 1); });
      };
      step(step, 0);
      if (error_) {
        leave();
        return std::nullopt;
      }
      if (found) break;
    }
  }
  leave();
  if (values.size() > 1) {
    fail(kEvalConflictError, "functions must not produce multiple outputs for same inputs", loc);
    return std::nullopt;
  }
  if (values.empty() && node.default_rule) {
    Frame fr;
    fr.slots.resize(static_cast<size_t>(node.default_rule->num_slots));
    std::optional<Value> result;
    eval_term(*node.default_rule->value, fr, [&](const Value& v) {
      result = v;
      return false;
    });
    return result;
  }
  if (values.empty()) return std::nullopt;
  return values[0];
}

}  // namespace dts::rego
