#include "policy/pdp/store.hpp"

#include <charconv>

namespace dts::policy::pdp {
namespace {

// Bounds the per-snapshot query cache: paths come from clients, so an unbounded map would
// let a caller grow memory with distinct URLs. Past the bound queries are prepared per call.
constexpr size_t kMaxCachedQueries = 1024;

bool is_index(const std::string& s) {
  if (s.empty() || s.size() > 18) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return s.size() == 1 || s[0] != '0';
}

OpaError from_error(const Error& e) {
  switch (e.code()) {
    case Code::kNotFound:
      return not_found_error("storage_not_found_error: " + e.message());
    case Code::kFailedPrecondition:
      return OpaError{409, kResourceConflict, e.message(), {}};
    default:
      return bad_request(e.message());
  }
}

}  // namespace

std::string data_query(const DocPath& path) {
  std::string q = "data";
  for (const auto& seg : path) {
    // OPA turns numeric URL segments into numbers so array elements are reachable.
    if (is_index(seg)) {
      q += "[" + seg + "]";
    } else {
      q += "[" + rego::Value::string(seg).to_json() + "]";
    }
  }
  return q;
}

std::variant<std::shared_ptr<const Snapshot>, OpaError> Snapshot::build(
    Modules bundle_modules, Modules api_modules, rego::Value data, uint64_t revision,
    rego::EvalOptions defaults) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  rego::EngineOptions options;
  options.eval = std::move(defaults);
  s->engine_ = std::make_unique<rego::Engine>(options);
  rego::RegoErrors errors;
  for (const Modules* layer : {&bundle_modules, &api_modules}) {
    for (const auto& [id, source] : *layer) {
      auto e = s->engine_->add_module(id, source);
      errors.insert(errors.end(), e.begin(), e.end());
    }
  }
  if (!errors.empty()) {
    return module_errors(errors);
  }
  auto st = s->engine_->add_data(data);
  if (!st.ok()) {
    return bad_request(st.error().message());
  }
  errors = s->engine_->compile();
  if (!errors.empty()) {
    return module_errors(errors);
  }
  s->bundle_modules_ = std::move(bundle_modules);
  s->api_modules_ = std::move(api_modules);
  s->data_ = std::move(data);
  s->revision_ = revision;
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::variant<std::shared_ptr<const rego::PreparedQuery>, OpaError> Snapshot::query(
    const DocPath& path) const {
  std::string text = data_query(path);
  {
    std::shared_lock read(mu_);
    if (auto it = cache_.find(text); it != cache_.end()) {
      return it->second;
    }
  }
  std::unique_lock lock(mu_);
  if (auto it = cache_.find(text); it != cache_.end()) {
    return it->second;
  }
  rego::RegoErrors errors;
  auto prepared = engine_->prepare(text, errors);
  if (!prepared) {
    return OpaError{400, kInvalidParameter, "error(s) occurred while compiling query", errors};
  }
  if (cache_.size() < kMaxCachedQueries) {
    cache_.emplace(std::move(text), prepared);
  }
  return prepared;
}

const std::string* Snapshot::module(const std::string& id) const {
  if (auto it = api_modules_.find(id); it != api_modules_.end()) {
    return &it->second;
  }
  if (auto it = bundle_modules_.find(id); it != bundle_modules_.end()) {
    return &it->second;
  }
  return nullptr;
}

Store::Store(rego::EvalOptions defaults) : defaults_(std::move(defaults)) {
  auto empty = Snapshot::build({}, {}, rego::Value::empty_object(), 0, defaults_);
  current_ = std::get<std::shared_ptr<const Snapshot>>(std::move(empty));
}

std::shared_ptr<const Snapshot> Store::snapshot() const { return std::atomic_load(&current_); }

std::optional<OpaError> Store::publish(Modules bundle_modules, Modules api_modules,
                                       rego::Value data) {
  auto built = Snapshot::build(std::move(bundle_modules), std::move(api_modules), std::move(data),
                               next_revision_, defaults_);
  if (auto* error = std::get_if<OpaError>(&built)) {
    return std::move(*error);
  }
  ++next_revision_;
  std::atomic_store(&current_, std::get<std::shared_ptr<const Snapshot>>(std::move(built)));
  return std::nullopt;
}

std::optional<OpaError> Store::put_policy(const std::string& id, const std::string& source) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  Modules api = cur->api_modules();
  Modules bundle = cur->bundle_modules();
  api[id] = source;
  // An API module with a bundle module's id replaces it, as a PUT of the same id would.
  bundle.erase(id);
  return publish(std::move(bundle), std::move(api), cur->data());
}

std::optional<OpaError> Store::delete_policy(const std::string& id) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  Modules api = cur->api_modules();
  Modules bundle = cur->bundle_modules();
  if (api.erase(id) == 0 && bundle.erase(id) == 0) {
    return not_found_error("storage_not_found_error: policy id \"" + id + "\"");
  }
  return publish(std::move(bundle), std::move(api), cur->data());
}

std::optional<OpaError> Store::put_data(const DocPath& path, rego::Value value) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  if (path.empty() && !value.is_object()) {
    return bad_request("the root data document must be an object");
  }
  auto next = put_at(cur->data(), path, std::move(value));
  if (!next.ok()) {
    return from_error(next.error());
  }
  return publish(cur->bundle_modules(), cur->api_modules(), std::move(*next));
}

std::optional<OpaError> Store::patch_data(const DocPath& path, const rego::Value& ops) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  auto next = apply_patch(cur->data(), path, ops);
  if (!next.ok()) {
    return from_error(next.error());
  }
  if (!next->is_object()) {
    return bad_request("the root data document must be an object");
  }
  return publish(cur->bundle_modules(), cur->api_modules(), std::move(*next));
}

std::optional<OpaError> Store::delete_data(const DocPath& path) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  rego::Value next_doc = rego::Value::empty_object();
  if (!path.empty()) {
    auto next = remove_at(cur->data(), path);
    if (!next.ok()) {
      return from_error(next.error());
    }
    next_doc = std::move(*next);
  }
  return publish(cur->bundle_modules(), cur->api_modules(), std::move(next_doc));
}

std::optional<OpaError> Store::activate_bundle(Modules modules, rego::Value data) {
  std::lock_guard lock(write_mu_);
  auto cur = snapshot();
  return publish(std::move(modules), cur->api_modules(), std::move(data));
}

}  // namespace dts::policy::pdp
