#pragma once
// The compiler: parsed modules -> an immutable, evaluable policy.
//
// Stages: build the rule tree (rules indexed by their data path), resolve names (locals to
// frame slots, rule names and imports to data refs, calls to builtins or user functions with
// arity checks), reorder bodies for safety (rego_unsafe_var_error when a var can never be
// bound), and reject recursion (rego_recursion_error). The result is shared read-only by
// concurrent evaluations.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rego/ast.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/error.hpp"
#include "rego/rule_index.hpp"

namespace dts::rego {

struct RuleNode {
  std::vector<Value> path;  // below data
  std::map<Value, std::unique_ptr<RuleNode>, ValueLess> children;
  std::vector<RulePtr> rules;      // complete / set / object rules defined at this path
  std::vector<RulePtr> functions;  // function clauses defined at this path
  RulePtr default_rule;
  int function_arity = -1;
  std::shared_ptr<const RuleIndex> index;  // set when several rules test input.<path> == c

  bool is_function() const {
    return !functions.empty() || (default_rule && default_rule->kind == RuleKind::kFunction);
  }
  bool has_rules() const { return !rules.empty() || (default_rule && !is_function()); }
  RuleKind kind() const { return rules.empty() ? RuleKind::kComplete : rules[0]->kind; }
  const RuleNode* child(const Value& key) const {
    auto it = children.find(key);
    return it == children.end() ? nullptr : it->second.get();
  }
  std::string path_string() const;  // "data.a.b"
};

class CompiledPolicy {
 public:
  const RuleNode& root() const { return root_; }
  const Registry& registry() const { return *registry_; }
  const RuleNode* function(const std::string& name) const {
    auto it = functions_.find(name);
    return it == functions_.end() ? nullptr : it->second;
  }
  const std::vector<ModulePtr>& modules() const { return modules_; }

 private:
  friend class Compiler;
  std::vector<ModulePtr> modules_;
  RuleNode root_;
  std::map<std::string, const RuleNode*> functions_;  // "data.a.f" -> node
  const Registry* registry_ = nullptr;
};

struct CompiledQuery {
  std::shared_ptr<Body> body;
  int num_slots = 0;
  std::vector<std::pair<std::string, int>> outputs;  // named query vars -> slots, in order
};

// Compiles modules; on failure returns nullptr and appends errors (every error found).
std::shared_ptr<const CompiledPolicy> compile_policy(std::vector<ModulePtr> modules,
                                                     const Registry& registry, RegoErrors& errors);
// Compiles a parsed query against a policy (names resolve like in a module without package).
std::shared_ptr<const CompiledQuery> compile_query(std::shared_ptr<Body> body,
                                                   const CompiledPolicy& policy,
                                                   RegoErrors& errors);

}  // namespace dts::rego
