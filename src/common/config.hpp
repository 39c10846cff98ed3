#pragma once
// Typed 12-factor configuration from environment variables (design.md §4.5).
//
// A service builds its plain config struct once at start-up:
//
//   config::Reader r(config::Env::from_process());
//   cfg.port = r.integer("PORT", 9002, 0, 65535);
//   cfg.database_url = r.required("DATABASE_URL");
//   if (auto st = r.finish(); !st.ok()) { /* log st.error().message(); exit(2) */ }
//
// Every reader method returns a usable value (the fallback when the variable is unset or
// bad) and records each problem, so one start attempt reports all of them together.
//
// Rules shared by every method:
// - An unset variable and one set to the empty string are the same: "not set". ECS task
//   definitions and compose files often pass `NAME=` to mean "use the default".
// - Values are not trimmed; stray whitespace is reported as a bad value.
// - Secrets: a variable whose name ends in _SECRET, _PASSWORD, _KEY or _TOKEN is shown as
//   "(value hidden)" in messages. URLs also have any userinfo masked in messages.
//
// Thread-safety: Env is immutable after construction (safe to share). A Reader is a
// start-up object used from one thread.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dts::config {

// A snapshot of variables, from the real environment or from a map (tests).
class Env {
 public:
  // Copies `environ` at the time of the call; later setenv() calls are not seen.
  static Env from_process();
  explicit Env(std::map<std::string, std::string> vars);

  // The value if the variable exists (possibly empty).
  std::optional<std::string> get(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

// Whether `name` holds a secret (ends in _SECRET, _PASSWORD, _KEY or _TOKEN).
bool is_secret_name(std::string_view name);

class Reader {
 public:
  // Keeps its own copy of `env`, so `Reader r(Env::from_process());` is safe.
  explicit Reader(const Env& env);

  // Any string; `fallback` when not set.
  std::string string(std::string_view name, std::string_view fallback);

  // Any non-empty string; records "NAME is required" when not set.
  std::string required(std::string_view name);

  // A decimal integer (optional leading '-') in [min, max].
  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max);

  // A TCP port in [0, 65535] (0 = pick a free port, used by tests).
  uint16_t port(std::string_view name, uint16_t fallback);

  // true/false/1/0/yes/no, case-insensitive.
  bool boolean(std::string_view name, bool fallback);

  // A non-negative duration: one or more <integer><unit> parts with unit ms, s, m or h,
  // e.g. "250ms", "5s", "2m", "1h", "1m30s". A bare number is rejected (except "0"),
  // because "TIMEOUT=5" is ambiguous between seconds and milliseconds.
  std::chrono::milliseconds duration(std::string_view name, std::chrono::milliseconds fallback);

  // A byte size: an integer with an optional unit, e.g. "1048576", "512KiB", "1MiB".
  // Units (case-insensitive): B; KiB, MiB, GiB, TiB (powers of 1024); KB, MB, GB, TB
  // (powers of 1000). One space between number and unit is allowed.
  uint64_t bytes(std::string_view name, uint64_t fallback);

  // One of `allowed` (case-sensitive).
  std::string one_of(std::string_view name, std::string_view fallback,
                     std::initializer_list<std::string_view> allowed);

  // An absolute http:// or https:// URL with a host. The fallback is not validated.
  std::string url(std::string_view name, std::string_view fallback);

  // Records a problem found by the caller (e.g. a cross-field rule) in the same report.
  void add_error(std::string message);

  // The problems recorded so far, in call order.
  const std::vector<std::string>& errors() const { return errors_; }

  // OK, or kInvalidArgument with every problem:
  // "config: PORT: must be an integer in [1, 65535], got \"abc\"; DATABASE_URL is required"
  Status finish() const;

 private:
  // The value if set and non-empty.
  std::optional<std::string> lookup(std::string_view name) const;
  // Records "NAME: <what>, got <value or (value hidden)>".
  void bad_value(std::string_view name, std::string_view what, std::string_view value);

  Env env_;
  std::vector<std::string> errors_;
};

}  // namespace dts::config
