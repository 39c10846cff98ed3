#pragma once
// Go fmt emulation used by sprintf (and by other builtins that print like Go).

#include <span>
#include <string>
#include <string_view>

#include "rego/value.hpp"

namespace dts::rego::builtins {

// fmt.Sprintf(format, args...) with the Go types OPA converts Rego values to.
std::string go_sprintf(std::string_view format, std::span<const Value> values);
// strconv.Quote.
std::string go_quote(std::string_view s);

}  // namespace dts::rego::builtins
