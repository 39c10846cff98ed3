#include "rego/builtins/helpers.hpp"

#include <re2/re2.h>

#include <list>
#include <mutex>
#include <unordered_map>

namespace dts::rego::builtins {

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xc0) != 0x80) {
        ok = false;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms and surrogates are invalid in Go's decoder too.
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(0xfffd);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::string utf8_encode(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) {
    utf8_append(out, cp);
  }
  return out;
}

size_t utf8_count(std::string_view s) { return utf8_decode(s).size(); }

Error element_error(std::string_view fn, int index, const Value& composite,
                    std::string_view expected, const Value& got) {
  std::string tpe(composite.type_name());
  return type_error(std::string(fn) + ": operand " + std::to_string(index) + " must be " + tpe +
                    " of " + std::string(expected) + " but got " + tpe + " containing " +
                    std::string(got.type_name()));
}

Result<std::vector<Value>> arg_elements(std::string_view fn, std::span<const Value> args,
                                        int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (v.is_array()) {
    return v.as_array();
  }
  if (v.is_set()) {
    return std::vector<Value>(v.as_set().begin(), v.as_set().end());
  }
  return operand_error(fn, index, "one of {array, set}", v);
}

Result<std::vector<std::string>> arg_string_elements(std::string_view fn,
                                                     std::span<const Value> args, int index) {
  DTS_ASSIGN_OR_RETURN(std::vector<Value> elems, arg_elements(fn, args, index));
  std::vector<std::string> out;
  out.reserve(elems.size());
  for (const auto& e : elems) {
    if (!e.is_string()) {
      return element_error(fn, index, args[static_cast<size_t>(index - 1)], "string", e);
    }
    out.push_back(e.as_string());
  }
  return out;
}

Result<const Object*> arg_object(std::string_view fn, std::span<const Value> args, int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (!v.is_object()) {
    return operand_error(fn, index, "object", v);
  }
  return &v.as_object();
}

namespace {

// A small LRU so hot policy patterns compile once while hostile inputs cannot grow memory
// without bound.
class RegexCache {
 public:
  std::shared_ptr<const re2::RE2> get(const std::string& pattern, std::string* error) {
    {
      std::lock_guard lock(mu_);
      auto it = map_.find(pattern);
      if (it != map_.end()) {
        order_.splice(order_.begin(), order_, it->second.second);
        return it->second.first;
      }
    }
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(pattern, opts);
    if (!re->ok()) {
      if (error != nullptr) {
        *error = re->error();
      }
      return nullptr;
    }
    std::lock_guard lock(mu_);
    if (map_.find(pattern) == map_.end()) {
      order_.push_front(pattern);
      map_.emplace(pattern, std::make_pair(re, order_.begin()));
      if (map_.size() > kCapacity) {
        map_.erase(order_.back());
        order_.pop_back();
      }
    }
    return re;
  }

 private:
  static constexpr size_t kCapacity = 512;
  std::mutex mu_;
  std::list<std::string> order_;
  std::unordered_map<std::string,
                     std::pair<std::shared_ptr<const re2::RE2>, std::list<std::string>::iterator>>
      map_;
};

}  // namespace

std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, std::string* error) {
  static RegexCache cache;
  return cache.get(pattern, error);
}

}  // namespace dts::rego::builtins
