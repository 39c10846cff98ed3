#pragma once
// Unicode helpers for string builtins (Go's unicode package semantics, simple case mapping).

#include <string>
#include <string_view>

namespace dts::rego::builtins {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
// Go's strings.TrimSpace: Unicode White_Space at both ends.
std::string trim_space(std::string_view s);
bool is_unicode_space(char32_t cp);

}  // namespace dts::rego::builtins
