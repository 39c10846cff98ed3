// Compiler driver: rule tree, recursion check, and the public entry points.
#include "rego/compiler.hpp"

#include <functional>

#include "detail/compiler_impl.hpp"

namespace dts::rego {

std::string RuleNode::path_string() const {
  std::string out = "data";
  for (const auto& p : path) {
    if (p.is_string()) {
      out += "." + p.as_string();
    } else {
      out += "[" + p.to_string() + "]";
    }
  }
  return out;
}

void Compiler::error(const char* code, std::string message, const Location& loc) {
  errors_.push_back(RegoError{code, std::move(message), loc});
}

RuleNode& Compiler::node_at(RuleNode& root, const std::vector<Value>& path) {
  RuleNode* node = &root;
  for (size_t i = 0; i < path.size(); ++i) {
    auto& child = node->children[path[i]];
    if (!child) {
      child = std::make_unique<RuleNode>();
      child->path.assign(path.begin(), path.begin() + static_cast<long>(i) + 1);
    }
    node = child.get();
  }
  return *node;
}

void Compiler::build_tree(CompiledPolicy& p) {
  for (const auto& m : p.modules_) {
    node_at(p.root_, m->package);  // packages exist even without rules
    for (const auto& r : m->rules) {
      std::vector<Value> path = m->package;
      path.insert(path.end(), r->path.begin(), r->path.end());
      RuleNode& node = node_at(p.root_, path);
      if (r->kind == RuleKind::kFunction && r->is_default) {
        node.default_rule = r;
        node.function_arity = static_cast<int>(r->args.size());
        p.functions_[node.path_string()] = &node;
        continue;
      }
      if (r->kind == RuleKind::kFunction) {
        int arity = static_cast<int>(r->args.size());
        if (node.function_arity >= 0 && node.function_arity != arity) {
          error(kTypeError, "conflicting rules " + node.path_string() + " found", r->loc);
        }
        if (!node.rules.empty()) {
          error(kTypeError, "conflicting rules " + node.path_string() + " found", r->loc);
        }
        node.function_arity = arity;
        node.functions.push_back(r);
        p.functions_[node.path_string()] = &node;
        continue;
      }
      if (!node.functions.empty()) {
        error(kTypeError, "conflicting rules " + node.path_string() + " found", r->loc);
      }
      if (r->is_default) {
        if (node.default_rule) {
          error(kTypeError, "multiple default rules " + node.path_string() + " found", r->loc);
        }
        node.default_rule = r;
        continue;
      }
      if (!node.rules.empty() && node.rules[0]->kind != r->kind) {
        error(kTypeError, "conflicting rules " + node.path_string() + " found", r->loc);
      }
      node.rules.push_back(r);
    }
  }
}

void Compiler::note_subtree(const RuleNode& node) {
  if (node.has_rules() || node.is_function()) {
    deps_[current_node_].insert(&node);
  }
  for (const auto& [k, child] : node.children) {
    note_subtree(*child);
  }
}

void Compiler::note_data_ref(const Term& ref) {
  if (current_node_ == nullptr || policy_ == nullptr) {
    return;
  }
  const RuleNode* node = &policy_->root_;
  for (size_t i = 1; i < ref.items.size(); ++i) {
    if (node->has_rules() || node->is_function()) {
      deps_[current_node_].insert(node);
      return;
    }
    const Term& part = *ref.items[i];
    if (part.kind != TermKind::kValue) {
      note_subtree(*node);
      return;
    }
    const RuleNode* child = node->child(part.value);
    if (child == nullptr) {
      return;
    }
    node = child;
  }
  note_subtree(*node);
}

void Compiler::check_recursion(const CompiledPolicy& p) {
  (void)p;
  std::map<const RuleNode*, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<const RuleNode*> stack;
  bool reported = false;
  std::function<void(const RuleNode*)> visit = [&](const RuleNode* n) {
    state[n] = 1;
    stack.push_back(n);
    for (const RuleNode* d : deps_[n]) {
      if (reported) break;
      if (state[d] == 1) {
        std::string cycle;
        bool in = false;
        for (const RuleNode* s : stack) {
          if (s == d) in = true;
          if (in) cycle += s->path_string() + " -> ";
        }
        cycle += d->path_string();
        const Location& loc = d->rules.empty()
                                  ? (d->functions.empty() ? Location{} : d->functions[0]->loc)
                                  : d->rules[0]->loc;
        error(kRecursionError, "rule " + d->path_string() + " is recursive: " + cycle, loc);
        reported = true;
      } else if (state[d] == 0) {
        visit(d);
      }
    }
    stack.pop_back();
    state[n] = 2;
  };
  for (const auto& [n, ds] : deps_) {
    if (state[n] == 0 && !reported) visit(n);
  }
}

std::shared_ptr<CompiledPolicy> Compiler::compile(std::vector<ModulePtr> modules) {
  auto p = std::make_shared<CompiledPolicy>();
  p->modules_ = std::move(modules);
  p->registry_ = &registry_;
  policy_ = p.get();
  size_t before = errors_.size();
  build_tree(*p);
  if (errors_.size() != before) {
    return nullptr;
  }
  for (const auto& m : p->modules_) {
    module_ = m.get();
    for (const auto& r : m->rules) {
      std::vector<Value> path = m->package;
      path.insert(path.end(), r->path.begin(), r->path.end());
      current_node_ = &node_at(p->root_, path);
      for (Rule* clause = r.get(); clause != nullptr; clause = clause->else_rule.get()) {
        compile_rule(*clause);
      }
    }
  }
  current_node_ = nullptr;
  if (errors_.size() == before) {
    check_recursion(*p);
  }
  if (errors_.size() == before) {
    for (const auto& m : p->modules_) {
      for (const auto& r : m->rules) {
        for (Rule* clause = r.get(); clause != nullptr; clause = clause->else_rule.get()) {
          for (const auto& k : clause->keys) annotate_ops(*k);
          if (clause->key) annotate_ops(*clause->key);
          if (clause->value) annotate_ops(*clause->value);
          for (const auto& a : clause->args) annotate_ops(*a);
          annotate_ops(clause->body);
        }
      }
    }
    std::function<void(RuleNode&)> index_all = [&](RuleNode& n) {
      build_rule_index(n);
      for (auto& [k, child] : n.children) index_all(*child);
    };
    index_all(p->root_);
  }
  return errors_.size() == before ? p : nullptr;
}

std::shared_ptr<const CompiledPolicy> compile_policy(std::vector<ModulePtr> modules,
                                                     const Registry& registry, RegoErrors& errors) {
  Compiler c(registry, errors);
  return c.compile(std::move(modules));
}

std::shared_ptr<const CompiledQuery> compile_query(std::shared_ptr<Body> body,
                                                   const CompiledPolicy& policy,
                                                   RegoErrors& errors) {
  Compiler c(policy.registry(), errors);
  return c.compile_query(std::move(body), policy);
}

}  // namespace dts::rego
