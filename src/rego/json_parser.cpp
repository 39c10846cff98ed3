// JSON text -> Value: RFC 8259 with exact big integers, UTF-8 validation and a nesting
// limit (kMaxValueDepth) so hostile input is an error, never a stack overflow.
#include <string>

#include "rego/detail/utf8.hpp"
#include "rego/value.hpp"

namespace dts::rego {
namespace {

using detail::utf8_len;

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  Result<Value> parse_document() {
    DTS_ASSIGN_OR_RETURN(Value v, parse_value(0));
    skip_ws();
    if (pos_ != s_.size()) {
      return fail("unexpected trailing characters");
    }
    return v;
  }

 private:
  Error fail(std::string_view what) const {
    return invalid_argument("invalid JSON at offset " + std::to_string(pos_) + ": " +
                            std::string(what));
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  Result<Value> parse_value(int depth) {
    if (depth > kMaxValueDepth) {
      return fail("nesting too deep");
    }
    skip_ws();
    if (pos_ >= s_.size()) {
      return fail("unexpected end of input");
    }
    char c = s_[pos_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') {
      DTS_ASSIGN_OR_RETURN(std::string str, parse_string());
      return Value::string(std::move(str));
    }
    if (consume("null")) return Value::null();
    if (consume("true")) return Value::boolean(true);
    if (consume("false")) return Value::boolean(false);
    return parse_number();
  }

  Result<Value> parse_number() {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    if (digits() == 0) return fail("invalid value");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("invalid number");
    }
    auto n = Number::parse(s_.substr(start, pos_ - start));
    if (!n) return fail("number out of range");
    return Value::number(*n);
  }

  static void append_utf8(std::string& out, uint32_t cp) {
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

  Result<uint32_t> hex4() {
    if (pos_ + 4 > s_.size()) return fail("bad \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        return fail("bad \\u escape");
    }
    return v;
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return fail("unterminated string");
      auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return fail("unterminated string");
        char e = s_[pos_++];
        switch (e) {
          case '"':
            out.push_back('"');
            break;
          case '\\':
            out.push_back('\\');
            break;
          case '/':
            out.push_back('/');
            break;
          case 'b':
            out.push_back('\b');
            break;
          case 'f':
            out.push_back('\f');
            break;
          case 'n':
            out.push_back('\n');
            break;
          case 'r':
            out.push_back('\r');
            break;
          case 't':
            out.push_back('\t');
            break;
          case 'u': {
            DTS_ASSIGN_OR_RETURN(uint32_t cp, hex4());
            if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(pos_, 2) == "\\u") {
              pos_ += 2;
              DTS_ASSIGN_OR_RETURN(uint32_t lo, hex4());
              if (lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              } else {
                cp = 0xfffd;
              }
            } else if (cp >= 0xd800 && cp < 0xe000) {
              cp = 0xfffd;
            }
            append_utf8(out, cp);
            break;
          }
          default:
            return fail("bad escape");
        }
        continue;
      }
      if (c >= 0x80) {
        size_t n = utf8_len(s_, pos_);
        if (n == 0) return fail("invalid UTF-8");
        out.append(s_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      out.push_back(static_cast<char>(c));
      ++pos_;
    }
  }

  Result<Value> parse_array(int depth) {
    ++pos_;
    Array items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Value::array(std::move(items));
    }
    while (true) {
      DTS_ASSIGN_OR_RETURN(Value v, parse_value(depth + 1));
      items.push_back(std::move(v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Value::array(std::move(items));
      }
      return fail("expected ',' or ']'");
    }
  }

  Result<Value> parse_object(int depth) {
    ++pos_;
    Object members;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Value::object(std::move(members));
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected object key");
      DTS_ASSIGN_OR_RETURN(std::string key, parse_string());
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      DTS_ASSIGN_OR_RETURN(Value v, parse_value(depth + 1));
      members.insert_or_assign(Value::string(std::move(key)), std::move(v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Value::object(std::move(members));
      }
      return fail("expected ',' or '}'");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<Value> Value::from_json(std::string_view text) { return JsonParser(text).parse_document(); }

}  // namespace dts::rego
