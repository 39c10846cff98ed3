#include "rego/eval.hpp"

#include "detail/evaluator.hpp"

namespace dts::rego {

Evaluator::Evaluator(const CompiledPolicy& policy, const Value& data,
                     const std::optional<Value>& input, const EvalOptions& options)
    : policy_(policy), data_(data), input_(input), options_(options) {
  now_ns_ = options.now_ns;
  if (now_ns_ == 0) {
    now_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  }
}

bool Evaluator::fail(const char* code, std::string message, const Location& loc) {
  if (!error_) error_ = RegoError{code, std::move(message), loc};
  return false;
}

bool Evaluator::cancelled() const {
  if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) return true;
  return options_.deadline && std::chrono::steady_clock::now() > *options_.deadline;
}

bool Evaluator::tick() {
  if (error_) return false;
  // Checking the clock on every step is too slow; every 1024 steps bounds the overrun.
  if ((++ticks_ & 1023u) == 0 && cancelled()) {
    return fail(kEvalCancelError, "evaluation cancelled or deadline exceeded", Location{});
  }
  return true;
}

bool Evaluator::enter(const Location& loc) {
  if (++depth_ > options_.max_depth) {
    --depth_;
    return fail(kEvalLimitError, "evaluation exceeded the maximum depth", loc);
  }
  return true;
}

void Evaluator::print(std::string_view line) {
  if (options_.print) options_.print(Location{}, std::string(line));
}

std::optional<Value> Evaluator::cache_get(const std::string& key) const {
  auto it = builtin_cache_.find(key);
  if (it == builtin_cache_.end()) return std::nullopt;
  return it->second;
}

void Evaluator::cache_put(const std::string& key, Value value) {
  builtin_cache_.insert_or_assign(key, std::move(value));
}

std::optional<RegoError> evaluate(const CompiledPolicy& policy, const CompiledQuery& query,
                                  const Value& data, const std::optional<Value>& input,
                                  const EvalOptions& options, std::vector<QueryResult>& results) {
  Evaluator ev(policy, data, input, options);
  return ev.run(query, results);
}

}  // namespace dts::rego
