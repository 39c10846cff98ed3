#pragma once
// The builtin function registry: how each builtin family plugs into the engine.
//
// A family lives in builtins/<family>.cpp and exposes `void register_<family>(Registry&)`;
// registry.cpp lists the families in one place (kFamilies). Each builtin has a declaration
// (name, operand types, result type) used by the compiler for arity/type checks
// (rego_type_error), and an implementation called during evaluation.
//
// Implementations get their operands already evaluated (never undefined) and return:
//   - a Value on success;
//   - type_error(...)/operand_error(...) for wrong operand types (OPA's eval_type_error);
//   - builtin_error(...) for other failures (eval_builtin_error, e.g. a malformed string);
//   - undefined_result() when the call is simply undefined (not an error).
// In non-strict mode the engine turns type and builtin errors into "undefined"; with strict
// builtin errors they abort the evaluation. Cancellation is reported with cancelled_error().
//
// Thread-safety: a Registry is immutable once built and shared by concurrent evaluations;
// implementations must not keep mutable global state (use BuiltinContext::cache).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "rego/value.hpp"

namespace dts::rego {

// Operand/result type masks for declarations.
namespace types {
inline constexpr uint16_t kNull = 1 << 0;
inline constexpr uint16_t kBool = 1 << 1;
inline constexpr uint16_t kNumber = 1 << 2;
inline constexpr uint16_t kString = 1 << 3;
inline constexpr uint16_t kArray = 1 << 4;
inline constexpr uint16_t kObject = 1 << 5;
inline constexpr uint16_t kSet = 1 << 6;
inline constexpr uint16_t kAny = 0x7f;
inline constexpr uint16_t kCollection = kArray | kObject | kSet;
// The mask bit for a value's kind.
inline uint16_t of(const Value& v) { return static_cast<uint16_t>(1u << static_cast<int>(v.kind())); }
}  // namespace types

struct BuiltinDecl {
  std::string name;                // e.g. "strings.replace_n"
  std::vector<uint16_t> args;      // one mask per operand; size() is the arity
  uint16_t result = types::kAny;
  bool variadic = false;           // e.g. print: any number of operands (args ignored)
  // Non-deterministic builtins (rand.*, uuid.rfc4122, http.send) are cached per evaluation
  // by the engine so the same call in one query yields the same value.
  bool nondeterministic = false;
};

// Per-evaluation facilities given to builtins. Not shared between evaluations.
class BuiltinContext {
 public:
  virtual ~BuiltinContext() = default;
  // time.now_ns for this evaluation: fixed for the whole query, as in OPA.
  virtual int64_t now_ns() const = 0;
  virtual bool strict() const = 0;
  // Appends one line to the print() output of this evaluation.
  virtual void print(std::string_view line) = 0;
  // True once the evaluation's deadline passed or it was cancelled; long-running builtins
  // should poll it and return cancelled_error().
  virtual bool cancelled() const = 0;
  // Scratch cache for builtins that must be stable within one evaluation (keyed by the
  // builtin's own choice of key, e.g. name + JSON of the operands).
  virtual std::optional<Value> cache_get(const std::string& key) const = 0;
  virtual void cache_put(const std::string& key, Value value) = 0;
};

using BuiltinFn = std::function<Result<Value>(std::span<const Value> args, BuiltinContext& ctx)>;

struct Builtin {
  BuiltinDecl decl;
  BuiltinFn fn;
};

class Registry {
 public:
  // Registers (or replaces) a builtin.
  void add(BuiltinDecl decl, BuiltinFn fn);
  // Shorthand: add({name, args, result}, fn).
  void add(std::string name, std::vector<uint16_t> args, uint16_t result, BuiltinFn fn);
  const Builtin* find(std::string_view name) const;
  const std::map<std::string, Builtin, std::less<>>& all() const { return builtins_; }

  // The registry with every family from kFamilies registered; built once, immutable.
  static const Registry& defaults();

 private:
  std::map<std::string, Builtin, std::less<>> builtins_;
};

// ---- error helpers for implementations ----
enum class BuiltinErrorKind { kTypeError, kBuiltinError, kUndefined, kCancelled, kOther };

// eval_type_error with the message as given (conventionally "name: ...").
Error type_error(std::string message);
// eval_type_error in OPA's wording: "<fn>: operand <index> must be <expected> but got <type>".
// `index` is 1-based; `expected` like "string" or "one of {array, set}".
Error operand_error(std::string_view fn, int index, std::string_view expected, const Value& got);
// eval_builtin_error, conventionally "name: ...".
Error builtin_error(std::string message);
// Not an error: the call has no value.
Error undefined_result();
Error cancelled_error();
BuiltinErrorKind classify(const Error& error);

// Operand accessors that produce operand_error on mismatch (index is 1-based).
Result<std::string_view> arg_string(std::string_view fn, std::span<const Value> args, int index);
Result<Number> arg_number(std::string_view fn, std::span<const Value> args, int index);
Result<int64_t> arg_int(std::string_view fn, std::span<const Value> args, int index);
Result<bool> arg_bool(std::string_view fn, std::span<const Value> args, int index);

}  // namespace dts::rego
