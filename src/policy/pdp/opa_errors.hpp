#pragma once
// OPA's error body, spoken on the OPA API routes instead of problem+json.
//
// OPA clients (the Go SDK, opa-envoy, language SDKs) parse
//   {"code":"invalid_parameter","message":"...","errors":[{"code":"rego_parse_error",
//    "message":"...","location":{"file":"x.rego","row":3,"col":5}}]}
// so the PDP answers its /v1/* and POST / routes in that shape (design.md §4.4 carve-out;
// the kit's own routes /healthz, /readyz, /metrics and session-level errors stay
// problem+json).

#include <string>
#include <string_view>

#include "common/http/message.hpp"
#include "rego/error.hpp"

namespace dts::policy::pdp {

// OPA's top-level error codes.
inline constexpr const char* kInvalidParameter = "invalid_parameter";
inline constexpr const char* kResourceNotFound = "resource_not_found";
inline constexpr const char* kResourceConflict = "resource_conflict";
inline constexpr const char* kInternalError = "internal_error";
inline constexpr const char* kUndefinedDocument = "undefined_document";

// OPA's messages for module errors.
inline constexpr const char* kMsgParseModules = "error(s) occurred while parsing module(s)";
inline constexpr const char* kMsgCompileModules = "error(s) occurred while compiling module(s)";
inline constexpr const char* kMsgEval = "error(s) occurred while evaluating query";

struct OpaError {
  unsigned status = 400;
  std::string code = kInvalidParameter;
  std::string message;
  rego::RegoErrors errors;  // detail entries, each with a location when known

  http::Response render() const;
  std::string to_string() const;  // one line for logs and /health
};

OpaError bad_request(std::string message);
OpaError not_found_error(std::string message);
OpaError internal(std::string message);
// 400 with the module errors; parse errors get OPA's parse message, others the compile one.
OpaError module_errors(const rego::RegoErrors& errors);
// 500 internal_error carrying an evaluation error (conflicts, builtin errors, cancellation).
OpaError eval_error(const rego::RegoError& error);

// The detail object of one Rego error: {"code","message","location":{"file","row","col"}}.
boost::json::object render_rego_error(const rego::RegoError& error);

}  // namespace dts::policy::pdp
