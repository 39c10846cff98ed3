#pragma once
// The policy bundle on disk (POLICY_BUNDLE): loaded at start-up and hot-reloaded.
//
// A bundle directory holds .rego modules and data.json/data.yaml files placed by their
// directory path (OPA's bundle layout; policy/loader.hpp does the reading). A new version
// is activated only if it parses, compiles with the API-managed modules, and every test in
// its *_test.rego modules passes; otherwise the previous version keeps serving and the
// error is logged and reported by status() (GET /health?bundles).
//
// Changes are found by polling a fingerprint (path, size, mtime of every file) — portable,
// cheap for bundle-sized trees, and immune to editors that replace files by rename. A
// failed version is not retried until the files change again.
//
// Thread-safety: status() from any thread; start()/stop() from the owner.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "policy/pdp/store.hpp"

namespace dts::policy::pdp {

struct BundleStatus {
  bool active = false;             // some version has been activated
  uint64_t activations = 0;        // versions activated so far
  std::string last_error;          // why the newest version was refused; empty when it is live
  std::string active_revision;     // fingerprint digest of the active version
  int64_t last_activation_ns = 0;  // wall clock of the last successful activation
};

struct LoadedBundle {
  Modules modules;
  rego::Value data;
};

// Reads, checks and tests a bundle directory without touching any Store.
std::variant<LoadedBundle, OpaError> load_bundle(const std::filesystem::path& dir);

class BundleWatcher {
 public:
  BundleWatcher(std::filesystem::path dir, Store& store, std::chrono::milliseconds poll);
  ~BundleWatcher();  // stops the polling thread
  BundleWatcher(const BundleWatcher&) = delete;
  BundleWatcher& operator=(const BundleWatcher&) = delete;

  // Loads the current version now (start-up); the result is also in status().
  bool reload_now();
  // Starts polling in a background thread.
  void start();
  void stop();
  BundleStatus status() const;

 private:
  void run();
  bool activate(const std::string& fingerprint);

  std::filesystem::path dir_;
  Store& store_;
  std::chrono::milliseconds poll_;
  std::string seen_fingerprint_;  // the version last tried (activated or refused)

  mutable std::mutex mu_;  // guards status_, stopping_
  BundleStatus status_;
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

// Digest of the bundle's files (path, size, mtime); changes whenever any file does.
std::string bundle_fingerprint(const std::filesystem::path& dir);

}  // namespace dts::policy::pdp
