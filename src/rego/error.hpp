#pragma once
// Rego errors: OPA's error codes plus a source location (file:line:col).

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dts::rego {

struct Location {
  std::shared_ptr<const std::string> file;  // module name; shared by every node of a module
  int line = 0;
  int col = 0;
  std::string to_string() const;  // "file:line:col" (or "line:col" without a file)
};

// OPA's error codes, as strings in its JSON output.
inline constexpr const char* kParseError = "rego_parse_error";
inline constexpr const char* kCompileError = "rego_compile_error";
inline constexpr const char* kTypeError = "rego_type_error";
inline constexpr const char* kUnsafeVarError = "rego_unsafe_var_error";
inline constexpr const char* kRecursionError = "rego_recursion_error";
inline constexpr const char* kEvalConflictError = "eval_conflict_error";
inline constexpr const char* kEvalTypeError = "eval_type_error";
inline constexpr const char* kEvalBuiltinError = "eval_builtin_error";
inline constexpr const char* kEvalCancelError = "eval_cancel_error";
inline constexpr const char* kEvalLimitError = "eval_limit_error";  // depth/memory bounds

struct RegoError {
  std::string code;  // one of the k*Error codes above
  std::string message;
  Location location;
  // "file:line:col: code: message", the shape `opa` prints.
  std::string to_string() const;
  // Maps onto the platform error model (compile errors -> kInvalidArgument, cancellation ->
  // kDeadlineExceeded, other eval errors -> kUnprocessable).
  Error to_error() const;
};

using RegoErrors = std::vector<RegoError>;

}  // namespace dts::rego
