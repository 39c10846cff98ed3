#pragma once
// Internals of common/json: the strict parser behind json::parse_strict.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/result.hpp"

namespace dts::json::detail {

// See json::parse_strict for the rules and messages.
Result<boost::json::value> parse(std::string_view text, const Limits& limits);

// A key for messages: JSON-quoted, cut to 64 bytes on a character boundary.
std::string quote_key(std::string_view key);

}  // namespace dts::json::detail
