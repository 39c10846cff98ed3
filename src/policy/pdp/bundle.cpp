#include "policy/pdp/bundle.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "common/log.hpp"
#include "policy/loader.hpp"
#include "policy/test_runner.hpp"

namespace dts::policy::pdp {
namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& p) {
  auto name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A failing bundle test is reported like a compile error so /health shows file:line.
OpaError test_failures(const TestReport& report) {
  OpaError e = bad_request("bundle tests failed: " + std::to_string(report.failed()) + " of " +
                           std::to_string(report.tests.size()));
  for (const auto& t : report.tests) {
    if (!t.passed) {
      rego::RegoError r;
      r.code = "test_failed";
      r.message = t.name + ": " + t.detail;
      e.errors.push_back(std::move(r));
      if (!t.location.empty()) {
        e.errors.back().message += " (" + t.location + ")";
      }
    }
  }
  return e;
}

}  // namespace

std::string bundle_fingerprint(const fs::path& dir) {
  std::vector<std::string> entries;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    return "missing";
  }
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      break;
    }
    if (hidden(it->path())) {
      if (it->is_directory(ec)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(ec)) {
      continue;
    }
    auto size = it->file_size(ec);
    auto mtime = it->last_write_time(ec).time_since_epoch().count();
    entries.push_back(it->path().string() + "|" + std::to_string(size) + "|" +
                      std::to_string(mtime));
  }
  std::sort(entries.begin(), entries.end());
  std::string joined;
  for (const auto& e : entries) {
    joined += e + "\n";
  }
  // The digest is only compared and shown as a revision, so std::hash is enough.
  return std::to_string(std::hash<std::string>{}(joined));
}

std::variant<LoadedBundle, OpaError> load_bundle(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return bad_request("bundle directory " + dir.string() + " does not exist");
  }
  rego::Engine engine;
  LoadResult loaded = load_paths({dir}, engine);
  if (!loaded.errors.empty()) {
    return module_errors(loaded.errors);
  }
  if (!loaded.data_errors.empty()) {
    std::string msg = "bundle data errors:";
    for (const auto& e : loaded.data_errors) {
      msg += " " + e + ";";
    }
    return bad_request(std::move(msg));
  }
  LoadedBundle out;
  out.data = engine.data();
  for (const auto& file : loaded.module_files) {
    auto text = read_text(file);
    if (!text) {
      return bad_request("cannot read " + file);
    }
    out.modules[fs::path(file).lexically_relative(dir).generic_string()] = std::move(*text);
  }
  TestReport report = run_tests({dir});
  if (!report.errors.empty()) {
    return module_errors(report.errors);
  }
  if (!report.load_errors.empty()) {
    return bad_request("bundle test load error: " + report.load_errors.front());
  }
  if (report.failed() > 0) {
    return test_failures(report);
  }
  return out;
}

BundleWatcher::BundleWatcher(fs::path dir, Store& store, std::chrono::milliseconds poll)
    : dir_(std::move(dir)), store_(store), poll_(poll) {}

BundleWatcher::~BundleWatcher() { stop(); }

bool BundleWatcher::reload_now() {
  seen_fingerprint_ = bundle_fingerprint(dir_);
  return activate(seen_fingerprint_);
}

bool BundleWatcher::activate(const std::string& fingerprint) {
  auto loaded = load_bundle(dir_);
  std::optional<OpaError> error;
  if (auto* e = std::get_if<OpaError>(&loaded)) {
    error = std::move(*e);
  } else {
    auto& bundle = std::get<LoadedBundle>(loaded);
    error = store_.activate_bundle(std::move(bundle.modules), std::move(bundle.data));
  }
  std::lock_guard lock(mu_);
  if (error) {
    status_.last_error = error->to_string();
    log::error("bundle activation failed; the previous version keeps serving",
               {{"bundle", dir_.string()}, {"error", status_.last_error}});
    return false;
  }
  status_.active = true;
  ++status_.activations;
  status_.last_error.clear();
  status_.active_revision = fingerprint;
  status_.last_activation_ns = now_ns();
  log::info("bundle activated", {{"bundle", dir_.string()}, {"revision", fingerprint}});
  return true;
}

void BundleWatcher::start() {
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { run(); });
  }
}

void BundleWatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void BundleWatcher::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, poll_, [this] { return stopping_; })) {
        return;
      }
    }
    std::string fingerprint = bundle_fingerprint(dir_);
    if (fingerprint != seen_fingerprint_) {
      seen_fingerprint_ = fingerprint;
      activate(fingerprint);
    }
  }
}

BundleStatus BundleWatcher::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace dts::policy::pdp
