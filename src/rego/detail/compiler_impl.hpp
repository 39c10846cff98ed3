#pragma once
// Internal: the Compiler class shared by compiler.cpp (rule tree, recursion, driver),
// resolve.cpp (names, calls, slots) and safety.cpp (body ordering, unsafe vars).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "rego/compiler.hpp"

namespace dts::rego {

class Compiler {
 public:
  Compiler(const Registry& registry, RegoErrors& errors) : registry_(registry), errors_(errors) {}

  std::shared_ptr<CompiledPolicy> compile(std::vector<ModulePtr> modules);
  std::shared_ptr<CompiledQuery> compile_query(std::shared_ptr<Body> body,
                                               const CompiledPolicy& policy);

  // A lexical scope: a rule/query body or a nested comprehension/every body. Slots are
  // allocated per frame (rule clause or query); nested scopes share their frame.
  struct Scope {
    Scope* parent = nullptr;
    std::map<std::string, int> vars;
    std::set<int>* captures = nullptr;  // set on comprehension/every roots
  };

 private:
  // compiler.cpp
  void build_tree(CompiledPolicy& p);
  RuleNode& node_at(RuleNode& root, const std::vector<Value>& path);
  void check_recursion(const CompiledPolicy& p);
  void error(const char* code, std::string message, const Location& loc);

  // resolve.cpp
  void compile_rule(Rule& r);
  void predeclare(Body& body, Scope& scope);
  void declare_pattern(const TermPtr& t, Scope& scope, bool shadow);
  void collect_vars(const TermPtr& t, std::vector<TermPtr>& out);
  void resolve_body(Body& body, Scope& scope);
  void resolve_literal(Literal& lit, Scope& scope);
  void resolve_term(TermPtr& t, Scope& scope);
  void resolve_call(Term& t, Scope& scope);
  void resolve_with_target(TermPtr& t, Scope& scope);
  int lookup(const std::string& name, Scope& scope);
  int declare(const std::string& name, Scope& scope);
  bool global_ref(const std::string& name, const Location& loc, TermPtr& out);
  std::string function_name(const Term& fn, Scope& scope, bool& user);

  // safety.cpp
  bool order_body(Body& body, std::set<int>& bound);
  bool literal_ready(const Literal& lit, const std::set<int>& bound, std::set<int>& outs,
                     std::set<int>& missing);
  bool term_ready(const TermPtr& t, const std::set<int>& bound, std::set<int>& outs,
                  std::set<int>& missing);
  bool pattern_ready(const TermPtr& t, const std::set<int>& bound, std::set<int>& outs,
                     std::set<int>& missing);
  bool unify_ready(const TermPtr& a, const TermPtr& b, const std::set<int>& bound,
                   std::set<int>& outs, std::set<int>& missing);
  bool order_nested(const TermPtr& t, const std::set<int>& bound);
  bool order_literal_nested(Literal& lit, const std::set<int>& bound);
  void report_unsafe(const Body& body, const std::vector<bool>& done, const std::set<int>& bound);
  void collect_slots(const TermPtr& t, std::set<int>& out);

  const Registry& registry_;
  RegoErrors& errors_;
  const CompiledPolicy* policy_ = nullptr;
  const Module* module_ = nullptr;  // module being compiled (nullptr for queries)
  int next_slot_ = 0;
  bool resolving_ref_head_ = false;
  const Term* top_call_ = nullptr;  // the call that is a whole literal (may have an output)  // the
                                    // enclosing ref notes the dependency itself
  std::map<int, std::string> slot_names_;  // for unsafe-var messages
  // Recursion check: which rule nodes each rule node reads.
  const RuleNode* current_node_ = nullptr;
  std::map<const RuleNode*, std::set<const RuleNode*>> deps_;
  void note_data_ref(const Term& ref);
  void note_subtree(const RuleNode& node);
};

}  // namespace dts::rego
