#include "policy/pdp/opa_errors.hpp"

#include "common/json.hpp"

namespace dts::policy::pdp {

boost::json::object render_rego_error(const rego::RegoError& error) {
  boost::json::object out{{"code", error.code}, {"message", error.message}};
  // OPA omits the location when it has none (e.g. errors about the whole bundle).
  if (error.location.line > 0) {
    boost::json::object loc;
    loc["file"] = error.location.file ? *error.location.file : std::string();
    loc["row"] = error.location.line;
    loc["col"] = error.location.col;
    out["location"] = std::move(loc);
  }
  return out;
}

http::Response OpaError::render() const {
  boost::json::object body{{"code", code}, {"message", message}};
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) {
      list.push_back(render_rego_error(e));
    }
    body["errors"] = std::move(list);
  }
  return http::Response::json(body, status);
}

std::string OpaError::to_string() const {
  std::string out = code + ": " + message;
  for (const auto& e : errors) {
    out += "; " + e.to_string();
  }
  return out;
}

OpaError bad_request(std::string message) {
  return OpaError{400, kInvalidParameter, std::move(message), {}};
}

OpaError not_found_error(std::string message) {
  return OpaError{404, kResourceNotFound, std::move(message), {}};
}

OpaError internal(std::string message) {
  return OpaError{500, kInternalError, std::move(message), {}};
}

OpaError module_errors(const rego::RegoErrors& errors) {
  bool parse_only = !errors.empty();
  for (const auto& e : errors) {
    if (e.code != rego::kParseError) {
      parse_only = false;
    }
  }
  return OpaError{400, kInvalidParameter, parse_only ? kMsgParseModules : kMsgCompileModules,
                  errors};
}

OpaError eval_error(const rego::RegoError& error) {
  return OpaError{500, kInternalError, kMsgEval, {error}};
}

}  // namespace dts::policy::pdp
