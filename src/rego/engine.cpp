#include "rego/engine.hpp"

namespace dts::rego {
namespace {

Value merge_objects(const Value& a, const Value& b) {
  if (!a.is_object() || !b.is_object()) return b;
  Object out = a.as_object();
  for (const auto& [k, v] : b.as_object()) {
    auto it = out.find(k);
    if (it == out.end()) {
      out.emplace(k, v);
    } else {
      it->second = merge_objects(it->second, v);
    }
  }
  return Value::object(std::move(out));
}

}  // namespace

std::optional<Value> EvalOutcome::first_value() const {
  if (results.empty() || results[0].expressions.empty()) return std::nullopt;
  return results[0].expressions[0];
}

PreparedQuery::PreparedQuery(std::shared_ptr<const CompiledPolicy> policy,
                             std::shared_ptr<const CompiledQuery> query,
                             std::shared_ptr<const Value> data, EvalOptions defaults)
    : policy_(std::move(policy)),
      query_(std::move(query)),
      data_(std::move(data)),
      defaults_(std::move(defaults)) {}

EvalOutcome PreparedQuery::eval(const std::optional<Value>& input) const {
  return eval(input, defaults_);
}

EvalOutcome PreparedQuery::eval(const std::optional<Value>& input,
                                const EvalOptions& options) const {
  EvalOutcome out;
  out.error = evaluate(*policy_, *query_, *data_, input, options, out.results);
  if (out.error) out.results.clear();
  return out;
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      registry_(options_.registry != nullptr ? options_.registry : &Registry::defaults()),
      data_(std::make_shared<const Value>(Value::empty_object())) {}

RegoErrors Engine::add_module(const std::string& name, std::string_view source) {
  RegoErrors errors;
  auto m = parse_module(source, name, errors, options_.parse);
  if (m) {
    modules_.push_back(std::move(m));
    dirty_ = true;
  }
  return errors;
}

Status Engine::add_data(const Value& data) {
  if (!data.is_object()) {
    return invalid_argument("data must be an object");
  }
  data_ = std::make_shared<const Value>(merge_objects(*data_, data));
  return ok_status();
}

RegoErrors Engine::compile() {
  RegoErrors errors;
  // Compilation annotates the AST in place; compile copies so modules can be recompiled
  // after more are added.
  std::vector<ModulePtr> copies;
  for (const auto& m : modules_) copies.push_back(clone_module(*m));
  policy_ = compile_policy(std::move(copies), *registry_, errors);
  dirty_ = !errors.empty();
  return errors;
}

std::shared_ptr<const PreparedQuery> Engine::prepare(std::string_view query, RegoErrors& errors) {
  if (dirty_ || !policy_) {
    errors = compile();
    if (!errors.empty()) return nullptr;
  }
  auto body = parse_query(query, errors, options_.parse);
  if (!body) return nullptr;
  auto q = compile_query(std::move(body), *policy_, errors);
  if (!q) return nullptr;
  return std::make_shared<const PreparedQuery>(policy_, std::move(q), data_, options_.eval);
}

Result<std::shared_ptr<const PreparedQuery>> Engine::prepare(std::string_view query) {
  RegoErrors errors;
  auto p = prepare(query, errors);
  if (!p) return invalid_argument(format_errors(errors));
  return p;
}

std::string format_errors(const RegoErrors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "\n";
    out += e.to_string();
  }
  return out;
}

}  // namespace dts::rego
