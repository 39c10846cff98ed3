// Regular expression builtins on RE2 (Go regexp semantics: RE2 syntax, leftmost-first,
// Go's rules for empty matches in FindAll/ReplaceAll/Split).
#include <re2/re2.h>

#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::compile_regex;
using builtins::str;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kNumber;
using types::kString;
using Args = std::span<const Value>;
using Groups = std::vector<re2::StringPiece>;

Result<std::shared_ptr<const re2::RE2>> regex_arg(std::string_view fn, Args a, int index) {
  DTS_ASSIGN_OR_RETURN(std::string_view p, arg_string(fn, a, index));
  std::string err;
  auto re = compile_regex(std::string(p), &err);
  if (!re) {
    return builtin_error(std::string(fn) + ": error parsing regexp: " + err);
  }
  return re;
}

size_t rune_width(std::string_view s, size_t pos) {
  if (pos >= s.size()) {
    return 1;
  }
  auto c = static_cast<unsigned char>(s[pos]);
  size_t w = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
  return std::min(w, s.size() - pos);
}

bool match_at(const re2::RE2& re, std::string_view s, size_t pos, Groups& g) {
  g.assign(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1, re2::StringPiece());
  return re.Match(re2::StringPiece(s.data(), s.size()), pos, s.size(), re2::RE2::UNANCHORED,
                  g.data(), static_cast<int>(g.size()));
}

size_t off(std::string_view s, const re2::StringPiece& p) {
  return static_cast<size_t>(p.data() - s.data());
}

// Go's allMatches: every successive non-overlapping match, skipping an empty match that
// abuts the previous match.
std::vector<Groups> find_all(const re2::RE2& re, std::string_view s, int64_t n) {
  std::vector<Groups> out;
  size_t pos = 0;
  int64_t prev_end = -1;
  Groups g;
  while ((n < 0 || static_cast<int64_t>(out.size()) < n) && pos <= s.size()) {
    if (!match_at(re, s, pos, g)) {
      break;
    }
    size_t b = off(s, g[0]);
    size_t e = b + g[0].size();
    bool accept = true;
    if (e == pos) {
      if (static_cast<int64_t>(b) == prev_end) {
        accept = false;
      }
      pos += rune_width(s, pos);
    } else {
      pos = e;
    }
    prev_end = static_cast<int64_t>(e);
    if (accept) {
      out.push_back(g);
    }
  }
  return out;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Go's Regexp.Expand for a template with $1, ${1}, $name, ${name}, $$.
void expand(std::string& out, std::string_view tmpl, const re2::RE2& re, const Groups& g) {
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] != '$') {
      out.push_back(tmpl[i++]);
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '$') {
      out.push_back('$');
      i += 2;
      continue;
    }
    std::string name;
    size_t j = i + 1;
    bool ok = false;
    if (j < tmpl.size() && tmpl[j] == '{') {
      size_t close = tmpl.find('}', j);
      if (close != std::string_view::npos && close > j + 1) {
        name = std::string(tmpl.substr(j + 1, close - j - 1));
        ok = std::all_of(name.begin(), name.end(), is_name_char);
        j = close + 1;
      }
    } else {
      while (j < tmpl.size() && is_name_char(tmpl[j])) {
        name.push_back(tmpl[j++]);
      }
      ok = !name.empty();
    }
    if (!ok) {
      out.push_back('$');  // malformed: the '$' is literal
      ++i;
      continue;
    }
    int idx = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      idx = name.size() < 9 ? std::stoi(name) : -1;
    } else {
      auto it = re.NamedCapturingGroups().find(name);
      idx = it == re.NamedCapturingGroups().end() ? -1 : it->second;
    }
    if (idx >= 0 && static_cast<size_t>(idx) < g.size() && g[static_cast<size_t>(idx)].data()) {
      out.append(g[static_cast<size_t>(idx)].data(), g[static_cast<size_t>(idx)].size());
    }
    i = j;
  }
}

std::string replace_all(const re2::RE2& re, std::string_view s, std::string_view tmpl) {
  std::string out;
  size_t last_end = 0;
  size_t pos = 0;
  Groups g;
  while (pos <= s.size()) {
    if (!match_at(re, s, pos, g)) {
      break;
    }
    size_t b = off(s, g[0]);
    size_t e = b + g[0].size();
    out.append(s.substr(last_end, b - last_end));
    if (e > last_end || b == 0) {
      expand(out, tmpl, re, g);
    }
    last_end = e;
    size_t w = rune_width(s, pos);
    pos = pos + w > e ? pos + w : (pos + 1 > e ? pos + 1 : e);
  }
  if (last_end < s.size()) {
    out.append(s.substr(last_end));
  }
  return out;
}

Result<Value> find_n(Args a, bool submatches) {
  const char* fn = submatches ? "regex.find_all_string_submatch_n" : "regex.find_n";
  DTS_ASSIGN_OR_RETURN(auto re, regex_arg(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, 2));
  DTS_ASSIGN_OR_RETURN(int64_t n, arg_int(fn, a, 3));
  Array out;
  for (const auto& g : find_all(*re, s, n)) {
    if (!submatches) {
      out.push_back(str(std::string(g[0].data(), g[0].size())));
      continue;
    }
    Array groups;
    for (const auto& p : g) {
      groups.push_back(str(p.data() ? std::string(p.data(), p.size()) : std::string()));
    }
    out.push_back(Value::array(std::move(groups)));
  }
  return Value::array(std::move(out));
}

Result<Value> split(Args a) {
  DTS_ASSIGN_OR_RETURN(auto re, regex_arg("regex.split", a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("regex.split", a, 2));
  Array out;
  if (s.empty()) {
    out.push_back(str(""));
    return Value::array(std::move(out));
  }
  size_t beg = 0;
  size_t end = 0;
  for (const auto& g : find_all(*re, s, -1)) {
    end = off(s, g[0]);
    size_t mend = end + g[0].size();
    if (mend != 0) {
      out.push_back(str(std::string(s.substr(beg, end - beg))));
    }
    beg = mend;
  }
  if (end != s.size()) {
    out.push_back(str(std::string(s.substr(beg))));
  }
  return Value::array(std::move(out));
}

Result<Value> match(std::string_view fn, Args a) {
  DTS_ASSIGN_OR_RETURN(auto re, regex_arg(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, 2));
  return Value::boolean(re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}

}  // namespace

void register_glob(Registry& r);  // glob.cpp

void register_regex(Registry& r) {
  r.add("regex.match", {kString, kString}, kBool,
        [](Args a, BuiltinContext&) { return match("regex.match", a); });
  r.add("re_match", {kString, kString}, kBool,
        [](Args a, BuiltinContext&) { return match("re_match", a); });
  r.add("regex.is_valid", {kAny}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    if (!a[0].is_string()) {
      return Value::boolean(false);
    }
    return Value::boolean(compile_regex(a[0].as_string(), nullptr) != nullptr);
  });
  r.add("regex.find_n", {kString, kString, kNumber}, kArray,
        [](Args a, BuiltinContext&) { return find_n(a, false); });
  r.add("regex.find_all_string_submatch_n", {kString, kString, kNumber}, kArray,
        [](Args a, BuiltinContext&) { return find_n(a, true); });
  r.add("regex.split", {kString, kString}, kArray,
        [](Args a, BuiltinContext&) { return split(a); });
  r.add("regex.replace", {kString, kString, kString}, kString,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("regex.replace", a, 1));
          DTS_ASSIGN_OR_RETURN(auto re, regex_arg("regex.replace", a, 2));
          DTS_ASSIGN_OR_RETURN(std::string_view v, arg_string("regex.replace", a, 3));
          return str(replace_all(*re, s, v));
        });
  register_glob(r);
}

}  // namespace dts::rego
