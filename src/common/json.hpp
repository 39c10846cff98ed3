#pragma once
// Strict JSON for request bodies, and typed field access for handlers.
//
//   DTS_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
//   DTS_ASSIGN_OR_RETURN(auto name, json::get_string(body, "name", /*required=*/true));
//
// Strict means: exactly one JSON value with only JSON whitespace around it; valid UTF-8
// (no overlong forms, surrogates or code points above U+10FFFF, no unpaired \u
// surrogates); no comments, trailing commas, single quotes, NaN/Infinity or leading
// zeros; duplicate object keys rejected (a proxy and a handler that pick different
// duplicates disagree about what was sent); and the Limits below enforced while parsing,
// so a hostile body costs at most about max_bytes of input and a bounded amount of memory.
//
// Errors are kInvalidArgument with a message that points at the problem as 1-based
// line:column (columns count UTF-8 characters), e.g. "invalid JSON at 1:17: expected ','
// or '}'", "duplicate key \"a\" at 3:5", "JSON nested deeper than 64 at 1:65"; a body over
// max_bytes is kPayloadTooLarge. The parser is iterative, so no input can exhaust the stack.
//
// Thread-safety: all functions are pure; call them from any thread.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::json {

struct Limits {
  size_t max_bytes = 1 << 20;      // whole text; larger is kPayloadTooLarge
  size_t max_depth = 64;           // nested arrays/objects; the top-level one is depth 1
  size_t max_string = 256 * 1024;  // bytes of one decoded string or key
  size_t max_members = 10000;      // members of one object or elements of one array
  // "\u0000" is valid JSON but PostgreSQL text and jsonb cannot store NUL, so by default
  // it is rejected here rather than failing later in the store.
  bool allow_nul = false;
};

// Parses `text` as one strict JSON value (see above).
Result<boost::json::value> parse_strict(std::string_view text, const Limits& limits = {});

// parse_strict, then requires an object: "request body must be a JSON object".
Result<boost::json::object> parse_object(std::string_view text, const Limits& limits = {});

// Compact serialization.
std::string to_string(const boost::json::value& value);

// Typed field accessors. A missing key and a key whose value is null are the same:
// absent. Absent + required -> kInvalidArgument "field \"name\" is required"; absent +
// optional -> the fallback. A present value of the wrong type -> kInvalidArgument
// "field \"name\" must be a string, got number".
Result<std::string> get_string(const boost::json::object& object, std::string_view key,
                               bool required, std::string_view fallback = {});
// Accepts integers in int64 range, and floating-point values that are exactly integral
// (1e3); anything else is "must be an integer".
Result<int64_t> get_int64(const boost::json::object& object, std::string_view key, bool required,
                          int64_t fallback = 0);
Result<bool> get_bool(const boost::json::object& object, std::string_view key, bool required,
                      bool fallback = false);
// Nested containers: a pointer into `object`, or nullptr when absent and optional.
Result<const boost::json::object*> get_object(const boost::json::object& object,
                                              std::string_view key, bool required);
Result<const boost::json::array*> get_array(const boost::json::object& object, std::string_view key,
                                            bool required);

// kInvalidArgument "unknown field \"x\"" for the first key not in `allowed` (handlers that
// reject typos instead of silently ignoring them).
Status reject_unknown_fields(const boost::json::object& object,
                             std::initializer_list<std::string_view> allowed);

// The JSON kind of a value as a word for messages: "object", "array", "string", "number",
// "boolean", "null".
std::string_view kind_name(const boost::json::value& value);

}  // namespace dts::json
