#pragma once
// Go time layouts ("2006-01-02T15:04:05Z07:00") for time.format and time.parse_ns.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "rego/builtins/tz.hpp"

namespace dts::rego::tz {

// Formats a local time with a Go layout.
std::string format_layout(std::string_view layout, const Civil& c);

// Parses `value` with a Go layout (as time.Parse: zone from the value, default UTC).
// Returns nanoseconds since the epoch; the error text follows Go's ParseError.
Result<int64_t> parse_layout(std::string_view layout, std::string_view value);

inline constexpr std::string_view kRFC3339Nano = "2006-01-02T15:04:05.999999999Z07:00";
inline constexpr std::string_view kRFC3339 = "2006-01-02T15:04:05Z07:00";

}  // namespace dts::rego::tz
