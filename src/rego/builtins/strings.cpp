// String builtins: searching, case, splitting, trimming (Go strings package semantics).
#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/builtins/strings_util.hpp"

namespace dts::rego {
namespace {

using builtins::arg_string_elements;
using builtins::element_error;
using builtins::str;
using builtins::utf8_decode;
using builtins::utf8_encode;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kNumber;
using types::kObject;
using types::kSet;
using types::kString;

using Args = std::span<const Value>;

// Code-point index of the first match of `needle` at or after code point `from`; -1 if none.
int64_t rune_index(const std::u32string& hay, const std::u32string& needle, size_t from) {
  if (hay.empty()) {
    return -1;
  }
  auto pos = hay.find(needle, from);
  return pos == std::u32string::npos ? -1 : static_cast<int64_t>(pos);
}

// Go's strings.Trim family: cutset is a set of code points.
std::string trim_cutset(std::string_view s, std::string_view cutset, bool left, bool right) {
  std::u32string cps = utf8_decode(s);
  std::u32string cut = utf8_decode(cutset);
  size_t b = 0;
  size_t e = cps.size();
  if (left) {
    while (b < e && cut.find(cps[b]) != std::u32string::npos) {
      ++b;
    }
  }
  if (right) {
    while (e > b && cut.find(cps[e - 1]) != std::u32string::npos) {
      --e;
    }
  }
  return utf8_encode(std::u32string_view(cps).substr(b, e - b));
}

// Go's strings.Replace with n < 0; an empty `old` inserts `repl` around every code point.
std::string replace_all(std::string_view s, std::string_view old, std::string_view repl) {
  std::string out;
  if (old.empty()) {
    std::u32string cps = utf8_decode(s);
    out.append(repl);
    for (char32_t cp : cps) {
      builtins::utf8_append(out, cp);
      out.append(repl);
    }
    return out;
  }
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(old, pos);
    if (hit == std::string_view::npos) {
      break;
    }
    out.append(s.substr(pos, hit - pos));
    out.append(repl);
    pos = hit + old.size();
  }
  out.append(s.substr(pos));
  return out;
}

Result<Value> split(Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("split", a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view d, arg_string("split", a, 2));
  Array out;
  if (d.empty()) {
    for (char32_t cp : utf8_decode(s)) {
      out.push_back(str(utf8_encode(std::u32string(1, cp))));
    }
    return Value::array(std::move(out));
  }
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(d, pos);
    if (hit == std::string_view::npos) {
      break;
    }
    out.push_back(str(std::string(s.substr(pos, hit - pos))));
    pos = hit + d.size();
  }
  out.push_back(str(std::string(s.substr(pos))));
  return Value::array(std::move(out));
}

Result<Value> substring(Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("substring", a, 1));
  DTS_ASSIGN_OR_RETURN(int64_t start, arg_int("substring", a, 2));
  DTS_ASSIGN_OR_RETURN(int64_t len, arg_int("substring", a, 3));
  std::u32string cps = utf8_decode(s);
  auto n = static_cast<int64_t>(cps.size());
  if (start < 0) {
    return builtin_error("substring: negative offset");
  }
  if (start >= n) {
    return str("");
  }
  // start < n here, so `len > n - start` is the overflow-free form of `start + len > n`.
  int64_t end = (len < 0 || len > n - start) ? n : start + len;
  return str(utf8_encode(std::u32string_view(cps).substr(static_cast<size_t>(start),
                                                         static_cast<size_t>(end - start))));
}

Result<Value> indexof_n(Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("indexof_n", a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view n, arg_string("indexof_n", a, 2));
  std::u32string hay = utf8_decode(s);
  std::u32string needle = utf8_decode(n);
  Array out;
  if (needle.empty()) {
    return Value::array(std::move(out));
  }
  for (int64_t i = rune_index(hay, needle, 0); i >= 0;
       i = rune_index(hay, needle, static_cast<size_t>(i) + 1)) {
    out.push_back(Value::number(i));
  }
  return Value::array(std::move(out));
}

// Go's strings.NewReplacer(pairs...) with pairs in key order: at each position the first
// key (in sorted order) that matches wins; empty keys are ignored.
Result<Value> replace_n(Args a) {
  if (!a[0].is_object()) {
    return operand_error("strings.replace_n", 1, "object", a[0]);
  }
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("strings.replace_n", a, 2));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : a[0].as_object()) {
    if (!k.is_string()) {
      return type_error("strings.replace_n: operand 1 must be object[string: string] but got " +
                        std::string(k.type_name()) + " key");
    }
    if (!v.is_string()) {
      return type_error("strings.replace_n: operand 1 must be object[string: string] but got " +
                        std::string(v.type_name()) + " value");
    }
    if (!k.as_string().empty()) {
      pairs.emplace_back(k.as_string(), v.as_string());
    }
  }
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    bool hit = false;
    for (const auto& [k, v] : pairs) {
      if (s.substr(i, k.size()) == k) {
        out += v;
        i += k.size();
        hit = true;
        break;
      }
    }
    if (!hit) {
      out.push_back(s[i++]);
    }
  }
  return str(std::move(out));
}

// strings.any_prefix_match / any_suffix_match: each operand a string or collection of them.
Result<std::vector<std::string>> string_or_strings(std::string_view fn, Args a, int index) {
  const Value& v = a[static_cast<size_t>(index - 1)];
  if (v.is_string()) {
    return std::vector<std::string>{v.as_string()};
  }
  if (!v.is_array() && !v.is_set()) {
    return operand_error(fn, index, "one of {string, array, set}", v);
  }
  return arg_string_elements(fn, a, index);
}

Result<Value> any_match(std::string_view fn, Args a, bool prefix) {
  DTS_ASSIGN_OR_RETURN(auto search, string_or_strings(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(auto bases, string_or_strings(fn, a, 2));
  for (const auto& s : search) {
    for (const auto& b : bases) {
      if (prefix ? s.starts_with(b) : s.ends_with(b)) {
        return Value::boolean(true);
      }
    }
  }
  return Value::boolean(false);
}

using StrPred = bool (*)(std::string_view, std::string_view);

void add_pred(Registry& r, const char* name, StrPred pred) {
  r.add(name, {kString, kString}, kBool, [name, pred](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view x, arg_string(name, a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view y, arg_string(name, a, 2));
    return Value::boolean(pred(x, y));
  });
}

using StrMap = std::string (*)(std::string_view);

void add_map(Registry& r, const char* name, StrMap fn) {
  r.add(name, {kString}, kString, [name, fn](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view x, arg_string(name, a, 1));
    return str(fn(x));
  });
}

void add_trim(Registry& r, const char* name, bool left, bool right) {
  r.add(name, {kString, kString}, kString,
        [name, left, right](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::string_view x, arg_string(name, a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view cut, arg_string(name, a, 2));
          return str(trim_cutset(x, cut, left, right));
        });
}

}  // namespace

void register_strings(Registry& r) {
  r.add("concat", {kString, kArray | kSet}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view d, arg_string("concat", a, 1));
    DTS_ASSIGN_OR_RETURN(auto parts, arg_string_elements("concat", a, 2));
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) {
        out += d;
      }
      out += parts[i];
    }
    return str(std::move(out));
  });
  add_pred(r, "contains", [](std::string_view x, std::string_view y) {
    return x.find(y) != std::string_view::npos;
  });
  add_pred(r, "startswith",
           [](std::string_view x, std::string_view y) { return x.starts_with(y); });
  add_pred(r, "endswith", [](std::string_view x, std::string_view y) { return x.ends_with(y); });
  r.add("indexof", {kString, kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("indexof", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view n, arg_string("indexof", a, 2));
    return Value::number(rune_index(utf8_decode(s), utf8_decode(n), 0));
  });
  r.add("indexof_n", {kString, kString}, kArray,
        [](Args a, BuiltinContext&) { return indexof_n(a); });
  add_map(r, "lower", [](std::string_view s) { return builtins::to_lower(s); });
  add_map(r, "upper", [](std::string_view s) { return builtins::to_upper(s); });
  add_map(r, "trim_space", [](std::string_view s) { return builtins::trim_space(s); });
  add_map(r, "strings.reverse", [](std::string_view s) {
    std::u32string cps = utf8_decode(s);
    std::reverse(cps.begin(), cps.end());
    return utf8_encode(cps);
  });
  r.add("replace", {kString, kString, kString}, kString,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("replace", a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view o, arg_string("replace", a, 2));
          DTS_ASSIGN_OR_RETURN(std::string_view n, arg_string("replace", a, 3));
          return str(replace_all(s, o, n));
        });
  r.add("strings.replace_n", {kObject, kString}, kString,
        [](Args a, BuiltinContext&) { return replace_n(a); });
  r.add("split", {kString, kString}, kArray, [](Args a, BuiltinContext&) { return split(a); });
  r.add("substring", {kString, kNumber, kNumber}, kString,
        [](Args a, BuiltinContext&) { return substring(a); });
  add_trim(r, "trim", true, true);
  add_trim(r, "trim_left", true, false);
  add_trim(r, "trim_right", false, true);
  r.add("trim_prefix", {kString, kString}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("trim_prefix", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view p, arg_string("trim_prefix", a, 2));
    return str(std::string(s.starts_with(p) ? s.substr(p.size()) : s));
  });
  r.add("trim_suffix", {kString, kString}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("trim_suffix", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view p, arg_string("trim_suffix", a, 2));
    return str(std::string(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s));
  });
  r.add("strings.count", {kString, kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("strings.count", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view sub, arg_string("strings.count", a, 2));
    if (sub.empty()) {  // Go: code points + 1
      return Value::number(static_cast<int64_t>(builtins::utf8_count(s)) + 1);
    }
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string_view::npos;
         pos = s.find(sub, pos + sub.size())) {
      ++n;
    }
    return Value::number(n);
  });
  r.add("strings.any_prefix_match", {kString | kArray | kSet, kString | kArray | kSet}, kBool,
        [](Args a, BuiltinContext&) { return any_match("strings.any_prefix_match", a, true); });
  r.add("strings.any_suffix_match", {kString | kArray | kSet, kString | kArray | kSet}, kBool,
        [](Args a, BuiltinContext&) { return any_match("strings.any_suffix_match", a, false); });
  (void)kAny;
}

}  // namespace dts::rego
