#pragma once
// The Engine facade: load modules and data, compile, prepare queries, evaluate.
//
// Usage:
//   Engine engine;
//   engine.add_module("authz.rego", source);          // parse errors are returned
//   engine.add_data(Value::from_json(text).value());  // merged into `data`
//   auto prepared = engine.prepare("data.authz.allow");  // compiles modules once
//   auto outcome = prepared->eval(input);               // thread-safe, concurrent OK
//
// Thread-safety: an Engine is not thread-safe while being built; a PreparedQuery is
// immutable and may be evaluated from many threads at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "rego/compiler.hpp"
#include "rego/error.hpp"
#include "rego/eval.hpp"
#include "rego/parser.hpp"
#include "rego/value.hpp"

namespace dts::rego {

struct EvalOutcome {
  std::vector<QueryResult> results;  // empty = undefined
  std::optional<RegoError> error;
  bool ok() const { return !error.has_value(); }
  // The value of the first expression of the first result (e.g. for `data.authz.allow`).
  std::optional<Value> first_value() const;
};

class PreparedQuery {
 public:
  PreparedQuery(std::shared_ptr<const CompiledPolicy> policy,
                std::shared_ptr<const CompiledQuery> query, std::shared_ptr<const Value> data,
                EvalOptions defaults);
  // Evaluates with the given input (nullopt = no input). Thread-safe.
  EvalOutcome eval(const std::optional<Value>& input) const;
  EvalOutcome eval(const std::optional<Value>& input, const EvalOptions& options) const;
  const EvalOptions& default_options() const { return defaults_; }

 private:
  std::shared_ptr<const CompiledPolicy> policy_;
  std::shared_ptr<const CompiledQuery> query_;
  std::shared_ptr<const Value> data_;
  EvalOptions defaults_;
};

struct EngineOptions {
  ParseOptions parse;
  EvalOptions eval;                    // defaults for prepared queries
  const Registry* registry = nullptr;  // nullptr = Registry::defaults()
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  // Parses and adds a module; returns its parse errors (empty on success).
  RegoErrors add_module(const std::string& name, std::string_view source);
  // Deep-merges an object into the base document `data`. Errors: not an object.
  Status add_data(const Value& data);
  // Compiles all modules added so far (also done implicitly by prepare()).
  RegoErrors compile();
  // Compiles (if needed) and prepares a query. On failure returns nullptr and fills errors.
  std::shared_ptr<const PreparedQuery> prepare(std::string_view query, RegoErrors& errors);
  // Convenience: the errors as one dts::Error (kInvalidArgument).
  Result<std::shared_ptr<const PreparedQuery>> prepare(std::string_view query);

  const std::vector<ModulePtr>& modules() const { return modules_; }
  std::shared_ptr<const CompiledPolicy> policy() const { return policy_; }
  const Value& data() const { return *data_; }

 private:
  EngineOptions options_;
  const Registry* registry_;
  std::vector<ModulePtr> modules_;
  std::shared_ptr<const Value> data_;
  std::shared_ptr<const CompiledPolicy> policy_;
  bool dirty_ = true;
};

// Joins errors one per line ("file:line:col: code: message").
std::string format_errors(const RegoErrors& errors);

}  // namespace dts::rego
