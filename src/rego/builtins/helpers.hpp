#pragma once
// Small helpers shared by the builtin families (not part of the registry contract).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rego/builtins/registry.hpp"

namespace re2 {
class RE2;
}

namespace dts::rego::builtins {

// UTF-8 <-> code points. Invalid bytes decode as U+FFFD one byte at a time, as Go does.
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view cps);
void utf8_append(std::string& out, char32_t cp);
size_t utf8_count(std::string_view s);

// OPA's "operand N must be <composite> of <expected> but got <composite> containing <got>".
Error element_error(std::string_view fn, int index, const Value& composite,
                    std::string_view expected, const Value& got);

// The elements of an array or set operand (in order); operand_error otherwise.
Result<std::vector<Value>> arg_elements(std::string_view fn, std::span<const Value> args,
                                        int index);
// Like arg_elements, but every element must be a string.
Result<std::vector<std::string>> arg_string_elements(std::string_view fn,
                                                     std::span<const Value> args, int index);
Result<const Object*> arg_object(std::string_view fn, std::span<const Value> args, int index);

inline Value str(std::string s) { return Value::string(std::move(s)); }
inline Value num(int64_t n) { return Value::number(n); }

// Compiled RE2 patterns shared across evaluations (bounded, thread-safe). nullptr plus
// `error` set when the pattern does not compile.
std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, std::string* error);

// Every [path, value] pair of `v` in OPA's walk order (pre-order; object keys and set
// members sorted). The `walk` builtin returns this array; the engine treats walk as a
// relation and unifies each pair with the call's output.
Array walk_pairs(const Value& v);

}  // namespace dts::rego::builtins
