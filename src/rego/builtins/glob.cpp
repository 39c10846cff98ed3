// glob.match / glob.quote_meta (gobwas/glob syntax, as OPA uses) and regex.template_match.
// Globs are translated to RE2 patterns and share the regex cache.
#include <re2/re2.h>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::compile_regex;
using builtins::str;
using types::kArray;
using types::kBool;
using types::kNull;
using types::kString;
using Args = std::span<const Value>;

std::string quote(std::string_view s) {
  return re2::RE2::QuoteMeta(re2::StringPiece(s.data(), s.size()));
}

class GlobTranslator {
 public:
  GlobTranslator(std::string_view glob, const std::vector<std::string>& delims) : g_(glob) {
    if (delims.empty()) {
      any_ = ".";
    } else {
      any_ = "[^";
      for (const auto& d : delims) {
        for (char32_t cp : builtins::utf8_decode(d)) {
          std::string one;
          builtins::utf8_append(one, cp);
          any_ += cp == ']' || cp == '\\' || cp == '^' || cp == '-' ? "\\" + one : one;
        }
      }
      any_ += "]";
    }
  }

  // The anchored RE2 pattern, or nullopt for a malformed glob.
  std::optional<std::string> translate() {
    std::string out = "(?s)^";
    if (!seq(out, 0) || i_ != g_.size()) {
      return std::nullopt;
    }
    out += "$";
    return out;
  }

 private:
  // depth > 0: inside {...}, where ',' and '}' end the alternative.
  bool seq(std::string& out, int depth) {
    while (i_ < g_.size()) {
      char c = g_[i_];
      if (depth > 0 && (c == ',' || c == '}')) {
        return true;
      }
      ++i_;
      if (c == '*') {
        if (i_ < g_.size() && g_[i_] == '*') {
          ++i_;
          out += ".*";
        } else {
          out += any_ + "*";
        }
      } else if (c == '?') {
        out += any_;
      } else if (c == '\\') {
        if (i_ >= g_.size()) {
          return false;
        }
        out += quote(g_.substr(i_++, 1));
      } else if (c == '[') {
        if (!char_class(out)) {
          return false;
        }
      } else if (c == '{') {
        out += "(?:";
        while (true) {
          if (!seq(out, depth + 1) || i_ >= g_.size()) {
            return false;
          }
          if (g_[i_++] == '}') {
            break;
          }
          out += "|";
        }
        out += ")";
      } else {
        out += quote(g_.substr(i_ - 1, 1));
      }
    }
    return depth == 0;
  }

  // [abc], [a-z], [!abc]; '\\' escapes the next character. Ranges must be ascending.
  bool char_class(std::string& out) {
    out += "[";
    if (i_ < g_.size() && g_[i_] == '!') {
      out += "^";
      ++i_;
    }
    std::vector<char32_t> items;  // literal code points, with kRange marking a '-'
    constexpr char32_t kRange = 0xffffffff;
    bool closed = false;
    while (i_ < g_.size()) {
      char c = g_[i_];
      if (c == ']') {
        ++i_;
        closed = true;
        break;
      }
      if (c == '\\') {
        if (++i_ >= g_.size()) return false;
        c = g_[i_];
      } else if (c == '-' && !items.empty()) {
        items.push_back(kRange);
        ++i_;
        continue;
      }
      items.push_back(static_cast<unsigned char>(c));
      ++i_;
    }
    if (!closed || items.empty()) return false;
    for (size_t k = 0; k < items.size(); ++k) {
      if (items[k] == kRange) {
        if (k == 0 || k + 1 >= items.size() || items[k + 1] == kRange ||
            items[k - 1] > items[k + 1]) {
          return false;
        }
        out.push_back('-');
        continue;
      }
      auto ch = static_cast<char>(items[k]);
      if (!std::isalnum(static_cast<unsigned char>(ch)) && static_cast<unsigned char>(ch) < 0x80) {
        out.push_back('\\');
      }
      out.push_back(ch);
    }
    out += "]";
    return true;
  }

  std::string_view g_;
  size_t i_ = 0;
  std::string any_;
};

Result<Value> glob_match(Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view pattern, arg_string("glob.match", a, 1));
  std::vector<std::string> delims;
  if (a[1].is_array()) {
    for (const auto& d : a[1].as_array()) {
      if (!d.is_string()) {
        return builtins::element_error("glob.match", 2, a[1], "string", d);
      }
      delims.push_back(d.as_string());
    }
    if (delims.empty()) {
      delims.emplace_back(".");  // OPA: an empty list means the default delimiter
    }
  } else if (!a[1].is_null()) {
    return operand_error("glob.match", 2, "one of {array, null}", a[1]);
  }
  DTS_ASSIGN_OR_RETURN(std::string_view subject, arg_string("glob.match", a, 3));
  auto rx = GlobTranslator(pattern, delims).translate();
  if (!rx) {
    return builtin_error("glob.match: syntax error in pattern " +
                         str(std::string(pattern)).to_json());
  }
  std::string err;
  auto re = compile_regex(*rx, &err);
  if (!re) {
    return builtin_error("glob.match: " + err);
  }
  return Value::boolean(re2::RE2::FullMatch(re2::StringPiece(subject.data(), subject.size()), *re));
}

// regex.template_match: literal text with regex parts between the delimiters, e.g.
// "urn:foo:{.*}". Delimiters nest (like gorilla/mux) so regex braces work inside.
Result<Value> template_match(Args a) {
  const char* fn = "regex.template_match";
  DTS_ASSIGN_OR_RETURN(std::string_view tmpl, arg_string(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view value, arg_string(fn, a, 2));
  DTS_ASSIGN_OR_RETURN(std::string_view open, arg_string(fn, a, 3));
  DTS_ASSIGN_OR_RETURN(std::string_view close, arg_string(fn, a, 4));
  if (open.size() != 1 || close.size() != 1) {
    return builtin_error(std::string(fn) + ": delimiters must be single characters");
  }
  std::string rx = "(?s)^";
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t start = tmpl.find(open[0], i);
    if (start == std::string_view::npos) {
      rx += quote(tmpl.substr(i));
      break;
    }
    rx += quote(tmpl.substr(i, start - i));
    int depth = 0;
    size_t j = start;
    for (; j < tmpl.size(); ++j) {
      if (tmpl[j] == open[0]) {
        ++depth;
      } else if (tmpl[j] == close[0] && --depth == 0) {
        break;
      }
    }
    if (j >= tmpl.size()) {
      return builtin_error(std::string(fn) + ": unbalanced braces in " + std::string(tmpl));
    }
    rx += "(?:" + std::string(tmpl.substr(start + 1, j - start - 1)) + ")";
    i = j + 1;
  }
  rx += "$";
  std::string err;
  auto re = compile_regex(rx, &err);
  if (!re) {
    return builtin_error(std::string(fn) + ": error parsing regexp: " + err);
  }
  return Value::boolean(re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *re));
}

}  // namespace

void register_glob(Registry& r) {
  r.add("glob.match", {kString, kArray | kNull, kString}, kBool,
        [](Args a, BuiltinContext&) { return glob_match(a); });
  r.add("glob.quote_meta", {kString}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("glob.quote_meta", a, 1));
    std::string out;
    for (char c : s) {
      if (std::string_view("*?\\[]{}").find(c) != std::string_view::npos) {
        out.push_back('\\');
      }
      out.push_back(c);
    }
    return str(std::move(out));
  });
  r.add("regex.template_match", {kString, kString, kString, kString}, kBool,
        [](Args a, BuiltinContext&) { return template_match(a); });
}

}  // namespace dts::rego
