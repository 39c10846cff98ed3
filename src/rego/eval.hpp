#pragma once
// Top-down evaluation of a compiled query against a compiled policy, data and input.
//
// One Evaluation object per query evaluation (not thread-safe; cheap to create). The policy,
// the query and the data are shared read-only, so many evaluations may run concurrently.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rego/compiler.hpp"
#include "rego/error.hpp"
#include "rego/value.hpp"

namespace dts::rego {

struct EvalOptions {
  // time.now_ns for the whole evaluation (0 = read the clock once at start).
  int64_t now_ns = 0;
  // Builtin errors abort the evaluation (eval_builtin_error/eval_type_error) instead of
  // making the call undefined.
  bool strict_builtin_errors = false;
  // Absolute deadline; evaluation fails with eval_cancel_error once passed.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const std::atomic<bool>* cancel = nullptr;  // set to true to cancel from another thread
  int max_depth = 500;  // nested rule/function/comprehension evaluations (stack bound)
  size_t max_collection_size = 50'000'000;  // elements built by one comprehension or rule
  // Receives print() output: the location of the call and the formatted line.
  std::function<void(const Location&, const std::string&)> print;
};

struct QueryResult {
  Object bindings;                 // named query vars -> values
  std::vector<Value> expressions;  // value of each query expression, in source order
};

// Evaluates `query`. `input` may be absent (undefined input). On failure returns the error.
std::optional<RegoError> evaluate(const CompiledPolicy& policy, const CompiledQuery& query,
                                  const Value& data, const std::optional<Value>& input,
                                  const EvalOptions& options, std::vector<QueryResult>& results);

}  // namespace dts::rego
