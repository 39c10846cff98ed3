#pragma once
// Rego parser: tokens -> AST (modules and queries). Accepts Rego v1 and, for modules that
// do not import rego.v1, OPA's v0 forms (rules without `if`, `p[x] { }` partial sets).

#include <memory>
#include <string>
#include <string_view>

#include "rego/ast.hpp"
#include "rego/error.hpp"

namespace dts::rego {

struct ParseOptions {
  bool default_v1 = false;  // treat every module as rego.v1 (OPA 1.0 default)
  int max_depth = 1000;     // nesting limit for terms/bodies; deeper input is a parse error
};

// Returns nullptr and appends rego_parse_error(s) on failure.
ModulePtr parse_module(std::string_view source, const std::string& file, RegoErrors& errors,
                       const ParseOptions& options = {});
// Parses a query such as `x = data.p; x > 1`.
std::shared_ptr<Body> parse_query(std::string_view source, RegoErrors& errors,
                                  const ParseOptions& options = {});

}  // namespace dts::rego
