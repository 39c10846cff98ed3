#pragma once
// The PDP's policy state: modules (from the bundle and from the policy API) plus the base
// data document, compiled into an immutable Snapshot that requests evaluate against.
//
// Every change (policy PUT/DELETE, data PUT/PATCH/DELETE, bundle activation) builds a
// complete new Snapshot off to the side and, only if it compiles, publishes it with one
// atomic pointer swap. Requests hold a shared_ptr to the snapshot they started with, so a
// reload never fails or changes a request in flight, and a broken change changes nothing.
//
// Thread-safety: snapshot() and Snapshot::query() may be called from any thread at any time;
// writers are serialized by an internal mutex.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <variant>

#include "policy/pdp/document.hpp"
#include "policy/pdp/opa_errors.hpp"
#include "rego/engine.hpp"

namespace dts::policy::pdp {

// Modules by id (OPA's policy id; for bundle files, the path relative to the bundle root).
using Modules = std::map<std::string, std::string>;

class Snapshot {
 public:
  // Compiles `bundle_modules` + `api_modules` over `data`; errors are module errors.
  static std::variant<std::shared_ptr<const Snapshot>, OpaError> build(Modules bundle_modules,
                                                                       Modules api_modules,
                                                                       rego::Value data,
                                                                       uint64_t revision,
                                                                       rego::EvalOptions defaults);

  // A prepared query for a data path (`data` for the empty path), cached per path.
  // Errors: the query does not compile (e.g. a path through a function).
  std::variant<std::shared_ptr<const rego::PreparedQuery>, OpaError> query(
      const DocPath& path) const;

  const Modules& bundle_modules() const { return bundle_modules_; }
  const Modules& api_modules() const { return api_modules_; }
  // Source of a module by id from either layer, nullptr when unknown.
  const std::string* module(const std::string& id) const;
  const rego::Value& data() const { return data_; }
  uint64_t revision() const { return revision_; }

 private:
  Snapshot() = default;

  Modules bundle_modules_;
  Modules api_modules_;
  rego::Value data_;
  uint64_t revision_ = 0;
  std::unique_ptr<rego::Engine> engine_;  // compiled; only prepare() is used afterwards
  // Lookups (every request) share the lock; only a miss that prepares a query takes it
  // exclusively, because Engine::prepare is not documented as thread-safe.
  mutable std::shared_mutex mu_;  // guards engine_->prepare and cache_
  mutable std::map<std::string, std::shared_ptr<const rego::PreparedQuery>> cache_;
};

// The query text for a data path: data["a"]["b"][0] (numeric segments index arrays too).
std::string data_query(const DocPath& path);

class Store {
 public:
  explicit Store(rego::EvalOptions defaults = {});

  // The snapshot to evaluate a request against. Never null.
  std::shared_ptr<const Snapshot> snapshot() const;

  // Policy API. put_policy fails with the parse/compile errors and changes nothing.
  std::optional<OpaError> put_policy(const std::string& id, const std::string& source);
  std::optional<OpaError> delete_policy(const std::string& id);

  // Data API (paths relative to `data`).
  std::optional<OpaError> put_data(const DocPath& path, rego::Value value);
  std::optional<OpaError> patch_data(const DocPath& path, const rego::Value& ops);
  std::optional<OpaError> delete_data(const DocPath& path);

  // Replaces the bundle's modules and the data document with a new bundle version. Data
  // written through the API is replaced too (the bundle owns the data document, as in OPA).
  std::optional<OpaError> activate_bundle(Modules modules, rego::Value data);

 private:
  std::optional<OpaError> publish(Modules bundle_modules, Modules api_modules, rego::Value data);

  rego::EvalOptions defaults_;
  std::mutex write_mu_;  // one writer at a time; readers never take it
  uint64_t next_revision_ = 1;
  std::shared_ptr<const Snapshot> current_;  // accessed only via std::atomic_load/store
};

}  // namespace dts::policy::pdp
