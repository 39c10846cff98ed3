#pragma once
// Internal: the backtracking evaluator. Every enumeration takes a continuation and returns
// false to stop (an error was recorded in error_, or the consumer asked to stop early).
// Bindings live in per-frame slot vectors and are undone when a continuation returns.

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rego/detail/fn_ref.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/eval.hpp"

namespace dts::rego {

inline bool is_comparison(TermOp op) { return op >= TermOp::kEqual && op <= TermOp::kGte; }

// The comparison operators (OPA's total order across types, as the builtins do).
inline bool compare_op(TermOp op, const Value& a, const Value& b) {
  int c = a.compare(b);
  switch (op) {
    case TermOp::kEqual:
      return c == 0;
    case TermOp::kNeq:
      return c != 0;
    case TermOp::kLt:
      return c < 0;
    case TermOp::kLte:
      return c <= 0;
    case TermOp::kGt:
      return c > 0;
    default:
      return c >= 0;
  }
}

class Evaluator : public BuiltinContext {
 public:
  Evaluator(const CompiledPolicy& policy, const Value& data, const std::optional<Value>& input,
            const EvalOptions& options);

  std::optional<RegoError> run(const CompiledQuery& query, std::vector<QueryResult>& out);

  // BuiltinContext
  int64_t now_ns() const override { return now_ns_; }
  bool strict() const override { return options_.strict_builtin_errors; }
  void print(std::string_view line) override;
  bool cancelled() const override;
  std::optional<Value> cache_get(const std::string& key) const override;
  void cache_put(const std::string& key, Value value) override;

  struct Frame {
    std::vector<std::optional<Value>> slots;
  };
  // Continuations are called before the enumeration returns, so a non-owning reference
  // suffices (no allocation per step).
  using Cont = FnRef<bool()>;
  using VCont = FnRef<bool(const Value&)>;

 private:
  // eval_body.cpp
  bool eval_body(const Body& body, size_t i, Frame& f, const Cont& k);
  bool eval_literal(const Literal& lit, Frame& f, const Cont& k);
  bool eval_literal_core(const Literal& lit, Frame& f, const Cont& k);
  bool eval_with(const Literal& lit, size_t i, Frame& f, const Cont& k);
  bool eval_some_in(const Literal& lit, Frame& f, const Cont& k);
  bool eval_every(const Literal& lit, Frame& f, const Cont& k);
  bool eval_expr(const Literal& lit, Frame& f, const Cont& k);

  // eval_term.cpp
  bool eval_term(const Term& t, Frame& f, const VCont& k);
  // Evaluates items[i..end) into acc (every combination), then calls k.
  bool eval_items(const std::vector<TermPtr>& items, size_t i, size_t end, std::vector<Value>& acc,
                  Frame& f, const Cont& k);
  bool eval_ref(const Term& t, Frame& f, const VCont& k);
  bool eval_path(const Term& ref, size_t i, const Value& cur, Frame& f, const VCont& k);
  bool eval_data(const Term& ref, size_t i, const RuleNode* node, const Value* base, Frame& f,
                 const VCont& k);
  bool eval_compr(const Term& t, Frame& f, const VCont& k);
  bool bind(int slot, const Value& v, Frame& f, const Cont& k);
  bool unify(const Term& pattern, const Value& v, Frame& f, const Cont& k);
  bool unify_terms(const Term& a, const Term& b, Frame& f, const Cont& k);
  bool evaluable(const Term& t, const Frame& f) const;
  // The value of a term that needs no evaluation (constant, bound var, input); else nullptr.
  const Value* ground_value(const Term& t, const Frame& f) const;
  // A term whose value is found by lookups alone (ground, or a ref with a bound/input head
  // and ground path): kFound with `out` set, kUndefined, or kComplex (evaluate it instead).
  enum class Lookup { kFound, kUndefined, kComplex };
  Lookup lookup(const Term& t, const Frame& f, const Value*& out) const;

  // eval_rules.cpp
  std::optional<Value> node_value(const RuleNode& node);
  std::optional<Value> virtual_doc(const RuleNode& node, const Value* base);
  bool eval_rule_values(const Rule& rule, std::vector<Value>& values);
  std::optional<Value> call_function(const RuleNode& node, std::span<const Value> args,
                                     const Location& loc);
  const Value* override_at(const std::vector<Value>& path) const;
  Value with_overrides(const Value& base, const std::vector<Value>& path) const;

  // eval_call.cpp
  bool eval_call(const Term& t, Frame& f, const VCont& k);
  bool eval_args(const std::vector<TermPtr>& items, size_t i, size_t end, Value* out, Frame& f,
                 const Cont& k);
  bool call_builtin(const Term& t, const std::string& name, std::span<const Value> args, Frame& f,
                    const VCont& k);
  bool call_user(const Term& t, const std::string& name, std::span<const Value> args, Frame& f,
                 const VCont& k);
  bool call_mocked(const Term& t, std::span<const Value> args, Frame& f, const VCont& k);
  bool eval_print(const Term& t, Frame& f, const VCont& k);
  bool eval_walk(const Term& t, const Value& root, Frame& f, const VCont& k);
  bool finish_call(const Term& t, const Value& result, Frame& f, const VCont& k);

  bool fail(const char* code, std::string message, const Location& loc);
  bool tick();
  bool enter(const Location& loc);
  void leave() { --depth_; }

  const CompiledPolicy& policy_;
  const Value& data_;
  std::optional<Value> input_;
  const EvalOptions& options_;  // outlives the evaluation (the caller's)
  int64_t now_ns_ = 0;
  std::optional<RegoError> error_;
  int depth_ = 0;
  uint32_t ticks_ = 0;

  using Cache = std::map<const RuleNode*, std::optional<Value>>;
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
  std::map<const RuleNode*, bool> in_progress_;
  std::map<std::string, Value> builtin_cache_;
  // `with` state
  std::vector<std::pair<std::vector<Value>, Value>> overrides_;  // data path -> value
  struct Mock {
    std::optional<Value> value;
    std::string function;  // replacement function name (user or builtin)
    bool user = false;
  };
  std::map<std::string, Mock> mocks_;
  // Query expression values (top-level literals of the query body).
  const Body* query_body_ = nullptr;
  std::map<const Literal*, Value> expr_values_;
};

}  // namespace dts::rego
