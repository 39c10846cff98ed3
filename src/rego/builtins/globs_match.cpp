// regex.globs_match: do two glob-like patterns match at least one common string? The
// pattern language (as OPA documents it) is literals, '.', character classes [...] and the
// quantifiers '*' and '+'. Patterns become token lists; a memoised search over pairs of
// positions decides whether the two languages intersect.
#include <bitset>
#include <set>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using Args = std::span<const Value>;
using CharSet = std::bitset<256>;  // byte-level classes; enough for the patterns in use

struct Token {
  CharSet chars;
  bool star = false;  // zero or more
};

Result<std::vector<Token>> tokenize(std::string_view fn, std::string_view p) {
  auto invalid = [&](size_t pos, const std::string& why) {
    return builtin_error(std::string(fn) + ": input:" + std::string(p) + ", pos:" +
                         std::to_string(pos) + ", " + why + ": the input provided is invalid");
  };
  std::vector<Token> out;
  size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    CharSet set;
    if (c == '*' || c == '+') {
      if (out.empty() || out.back().star) {
        return invalid(i + 1, "quantifier without preceding character");
      }
      if (c == '*') {
        out.back().star = true;
      } else {
        out.push_back({out.back().chars, true});  // X+ == X X*
      }
      ++i;
      continue;
    }
    if (c == ']') {
      return invalid(i + 1, "set-close ']' with no preceding '['");
    }
    if (c == '.') {
      set.set();
      ++i;
    } else if (c == '[') {
      size_t j = i + 1;
      bool negate = j < p.size() && p[j] == '^';
      if (negate) ++j;
      bool closed = false;
      while (j < p.size()) {
        if (p[j] == ']') {
          closed = true;
          break;
        }
        unsigned char lo =
            static_cast<unsigned char>(p[j] == '\\' && j + 1 < p.size() ? p[++j] : p[j]);
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          auto hi = static_cast<unsigned char>(p[j + 2]);
          if (hi < lo) {
            return invalid(j + 3, std::string("range is out of order: '") + static_cast<char>(hi) +
                                      "' comes before '" + static_cast<char>(lo) + "' in Unicode");
          }
          for (unsigned v = lo; v <= hi; ++v) set.set(v);
          j += 3;
        } else {
          set.set(lo);
          ++j;
        }
      }
      if (!closed) {
        return invalid(p.size(), "found [ without matching ]");
      }
      if (negate) set.flip();
      i = j + 1;
    } else {
      if (c == '\\' && i + 1 < p.size()) ++i;
      set.set(static_cast<unsigned char>(p[i]));
      ++i;
    }
    out.push_back({set, false});
  }
  return out;
}

class Intersection {
 public:
  Intersection(const std::vector<Token>& a, const std::vector<Token>& b) : a_(a), b_(b) {}

  bool nonempty(size_t i, size_t j) {
    if (i == a_.size() && j == b_.size()) return true;
    if (!seen_.insert({i, j}).second) return false;  // already explored (or on the stack)
    if (i < a_.size() && a_[i].star && nonempty(i + 1, j)) return true;
    if (j < b_.size() && b_[j].star && nonempty(i, j + 1)) return true;
    if (i < a_.size() && j < b_.size() && (a_[i].chars & b_[j].chars).any()) {
      size_t ni = a_[i].star ? i : i + 1;
      size_t nj = b_[j].star ? j : j + 1;
      if ((ni != i || nj != j) && nonempty(ni, nj)) return true;
    }
    return false;
  }

 private:
  const std::vector<Token>& a_;
  const std::vector<Token>& b_;
  std::set<std::pair<size_t, size_t>> seen_;
};

}  // namespace

void register_globs_match(Registry& r) {
  r.add("regex.globs_match", {types::kString, types::kString}, types::kBool,
        [](Args a, BuiltinContext&) -> Result<Value> {
          const char* fn = "regex.globs_match";
          DTS_ASSIGN_OR_RETURN(std::string_view x, arg_string(fn, a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view y, arg_string(fn, a, 2));
          DTS_ASSIGN_OR_RETURN(auto tx, tokenize(fn, x));
          DTS_ASSIGN_OR_RETURN(auto ty, tokenize(fn, y));
          return Value::boolean(Intersection(tx, ty).nonempty(0, 0));
        });
}

}  // namespace dts::rego
