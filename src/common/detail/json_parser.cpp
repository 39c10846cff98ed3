#include "common/detail/json_parser.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

namespace dts::json::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0.
// Follows RFC 3629 table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
size_t utf8_sequence(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    lo = c == 0xe0 ? 0xa0 : 0x80;
    hi = c == 0xed ? 0x9f : 0xbf;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    lo = c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) {
    return 0;
  }
  for (size_t i = 2; i < n; ++i) {
    if (!is_continuation(b(i))) {
      return 0;
    }
  }
  return n;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// One pass over the text with an explicit stack of open containers (no recursion, so
// depth is bounded by Limits, not by the thread's stack).
class Parser {
 public:
  Parser(std::string_view text, const Limits& limits) : text_(text), limits_(limits) {}

  Result<boost::json::value> run();

 private:
  struct Frame {
    boost::json::value container;  // an object or an array
    std::string key;               // objects: the key whose value is being parsed
    size_t key_pos = 0;            // objects: where that key starts (for messages)
    size_t start = 0;              // where the container starts
    bool is_object = false;
  };

  bool eof() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_whitespace();
  std::string position(size_t at) const;
  bool fail(size_t at, std::string_view what);
  bool fail_plain(std::string message);  // message already says where

  bool open_container(bool is_object, bool& closed);
  bool read_key();
  bool read_scalar(boost::json::value& out);
  bool read_string(std::string& out);
  bool read_escape(std::string& out);
  bool read_hex4(uint32_t& out);
  bool read_number(boost::json::value& out);
  bool add(boost::json::value v, size_t start);
  bool close_container();

  std::string_view text_;
  const Limits& limits_;
  size_t pos_ = 0;
  std::vector<Frame> stack_;
  boost::json::value root_;
  std::optional<Error> error_;
};

void Parser::skip_whitespace() {
  while (!eof() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')) {
    ++pos_;
  }
}

std::string Parser::position(size_t at) const {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < at && i < text_.size(); ++i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if (!is_continuation(c)) {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

bool Parser::fail(size_t at, std::string_view what) {
  return fail_plain("invalid JSON at " + position(at) + ": " + std::string(what));
}

bool Parser::fail_plain(std::string message) {
  error_.emplace(Code::kInvalidArgument, std::move(message));
  return false;
}

Result<boost::json::value> Parser::run() {
  if (text_.size() > limits_.max_bytes) {
    return Error(Code::kPayloadTooLarge, "JSON body of " + std::to_string(text_.size()) +
                                             " bytes is over the limit of " +
                                             std::to_string(limits_.max_bytes));
  }
  skip_whitespace();
  if (eof()) {
    return invalid_argument("invalid JSON: empty input");
  }
  bool want_value = true;
  for (;;) {
    if (want_value) {
      skip_whitespace();
      const size_t start = pos_;
      if (!eof() && (peek() == '{' || peek() == '[')) {
        bool closed = false;  // "{}" or "[]": the container is already a whole value
        if (!open_container(peek() == '{', closed)) {
          return std::move(*error_);
        }
        want_value = !closed;
        continue;
      }
      boost::json::value v;
      if (!read_scalar(v) || !add(std::move(v), start)) {
        return std::move(*error_);
      }
      want_value = false;
      continue;
    }
    if (stack_.empty()) {
      break;
    }
    skip_whitespace();
    const bool is_object = stack_.back().is_object;
    const char close = is_object ? '}' : ']';
    if (eof()) {
      fail(pos_, std::string("unexpected end of input, expected ',' or '") + close + "'");
      return std::move(*error_);
    }
    if (peek() == ',') {
      ++pos_;
      skip_whitespace();
      if (!eof() && (peek() == '}' || peek() == ']')) {
        fail(pos_, "trailing comma");
        return std::move(*error_);
      }
      if (is_object && !read_key()) {
        return std::move(*error_);
      }
      want_value = true;
    } else if (peek() == close) {
      ++pos_;
      if (!close_container()) {
        return std::move(*error_);
      }
    } else {
      fail(pos_, peek() == '/' ? std::string("comments are not allowed")
                               : std::string("expected ',' or '") + close + "'");
      return std::move(*error_);
    }
  }
  skip_whitespace();
  if (!eof()) {
    fail(pos_, peek() == '/' ? "comments are not allowed" : "unexpected data after the JSON value");
    return std::move(*error_);
  }
  return std::move(root_);
}

bool Parser::open_container(bool is_object, bool& closed) {
  if (stack_.size() >= limits_.max_depth) {
    return fail_plain("JSON nested deeper than " + std::to_string(limits_.max_depth) + " at " +
                      position(pos_));
  }
  Frame frame;
  frame.is_object = is_object;
  frame.start = pos_++;
  if (is_object) {
    frame.container.emplace_object();
  } else {
    frame.container.emplace_array();
  }
  stack_.push_back(std::move(frame));
  skip_whitespace();
  if (!eof() && peek() == (is_object ? '}' : ']')) {
    ++pos_;
    closed = true;
    return close_container();
  }
  return !is_object || read_key();
}

bool Parser::read_key() {
  if (eof()) {
    return fail(pos_, "unexpected end of input, expected a string key");
  }
  if (peek() != '"') {
    return fail(pos_, peek() == '/' ? "comments are not allowed" : "expected a string key");
  }
  const size_t key_pos = pos_;
  Frame& top = stack_.back();
  top.key_pos = key_pos;
  if (!read_string(top.key)) {
    return false;
  }
  if (top.container.get_object().contains(top.key)) {
    return fail_plain("duplicate key " + quote_key(top.key) + " at " + position(key_pos));
  }
  skip_whitespace();
  if (eof() || peek() != ':') {
    return fail(pos_, eof() ? "unexpected end of input, expected ':'" : "expected ':'");
  }
  ++pos_;
  return true;
}

// `start` is where `v` began; limit errors point at the offending member or element.
bool Parser::add(boost::json::value v, size_t start) {
  if (stack_.empty()) {
    root_ = std::move(v);
    return true;
  }
  Frame& top = stack_.back();
  if (top.is_object) {
    boost::json::object& obj = top.container.get_object();
    if (obj.size() >= limits_.max_members) {
      return fail_plain("JSON object has more than " + std::to_string(limits_.max_members) +
                        " members at " + position(top.key_pos));
    }
    obj.emplace(top.key, std::move(v));
  } else {
    boost::json::array& arr = top.container.get_array();
    if (arr.size() >= limits_.max_members) {
      return fail_plain("JSON array has more than " + std::to_string(limits_.max_members) +
                        " elements at " + position(start));
    }
    arr.push_back(std::move(v));
  }
  return true;
}

bool Parser::close_container() {
  boost::json::value done = std::move(stack_.back().container);
  const size_t start = stack_.back().start;
  stack_.pop_back();
  return add(std::move(done), start);
}

bool Parser::read_scalar(boost::json::value& out) {
  if (eof()) {
    return fail(pos_, "unexpected end of input, expected a value");
  }
  const char c = peek();
  if (c == '"') {
    std::string s;
    if (!read_string(s)) {
      return false;
    }
    out = boost::json::string(s);
    return true;
  }
  if (c == '-' || is_digit(c)) {
    return read_number(out);
  }
  struct Literal {
    std::string_view text;
    boost::json::value value;
  };
  for (const Literal& lit :
       {Literal{"true", true}, Literal{"false", false}, Literal{"null", nullptr}}) {
    if (c == lit.text[0]) {
      if (text_.substr(pos_, lit.text.size()) != lit.text) {
        return fail(pos_, "invalid literal, expected " + std::string(lit.text));
      }
      pos_ += lit.text.size();
      out = lit.value;
      return true;
    }
  }
  if (c == '/') {
    return fail(pos_, "comments are not allowed");
  }
  return fail(pos_, "expected a value");
}

bool Parser::read_number(boost::json::value& out) {
  const size_t start = pos_;
  if (peek() == '-') {
    ++pos_;
  }
  if (eof() || !is_digit(peek())) {
    return fail(start, "invalid number");
  }
  if (peek() == '0') {
    ++pos_;
    if (!eof() && is_digit(peek())) {
      return fail(start, "invalid number: leading zero");
    }
  } else {
    while (!eof() && is_digit(peek())) {
      ++pos_;
    }
  }
  bool integral = true;
  if (!eof() && peek() == '.') {
    ++pos_;
    integral = false;
    if (eof() || !is_digit(peek())) {
      return fail(start, "invalid number: expected a digit after '.'");
    }
    while (!eof() && is_digit(peek())) {
      ++pos_;
    }
  }
  if (!eof() && (peek() == 'e' || peek() == 'E')) {
    ++pos_;
    integral = false;
    if (!eof() && (peek() == '+' || peek() == '-')) {
      ++pos_;
    }
    if (eof() || !is_digit(peek())) {
      return fail(start, "invalid number: expected a digit in the exponent");
    }
    while (!eof() && is_digit(peek())) {
      ++pos_;
    }
  }
  const char* first = text_.data() + start;
  const char* last = text_.data() + pos_;
  if (integral) {
    int64_t i = 0;
    if (std::from_chars(first, last, i).ec == std::errc()) {
      out = i;
      return true;
    }
    uint64_t u = 0;
    if (*first != '-' && std::from_chars(first, last, u).ec == std::errc()) {
      out = u;
      return true;
    }
    // Larger integers become doubles, as in Boost.JSON.
  }
  double d = 0;
  if (std::from_chars(first, last, d).ec != std::errc()) {
    return fail(start, "number out of range");
  }
  out = d;
  return true;
}

bool Parser::read_string(std::string& out) {
  const size_t start = pos_;
  ++pos_;  // the opening quote
  out.clear();
  for (;;) {
    if (out.size() > limits_.max_string) {
      return fail_plain("JSON string longer than " + std::to_string(limits_.max_string) +
                        " bytes at " + position(start));
    }
    if (eof()) {
      return fail(start, "unterminated string");
    }
    const auto c = static_cast<unsigned char>(peek());
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c == '\\') {
      if (!read_escape(out)) {
        return false;
      }
    } else if (c < 0x20) {
      return fail(pos_, "control character in string (must be escaped)");
    } else if (c < 0x80) {
      // Copy a run of plain ASCII at once.
      size_t end = pos_ + 1;
      while (end < text_.size()) {
        const auto d = static_cast<unsigned char>(text_[end]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') {
          break;
        }
        ++end;
      }
      out.append(text_.substr(pos_, end - pos_));
      pos_ = end;
    } else {
      const size_t n = utf8_sequence(text_.substr(pos_));
      if (n == 0) {
        return fail(pos_, "invalid UTF-8");
      }
      out.append(text_.substr(pos_, n));
      pos_ += n;
    }
  }
}

bool Parser::read_hex4(uint32_t& out) {
  if (text_.size() - pos_ < 4) {
    return fail(pos_, "invalid \\u escape: expected 4 hex digits");
  }
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = text_[pos_ + i];
    uint32_t v = 0;
    if (c >= '0' && c <= '9') {
      v = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return fail(pos_, "invalid \\u escape: expected 4 hex digits");
    }
    out = out * 16 + v;
  }
  pos_ += 4;
  return true;
}

bool Parser::read_escape(std::string& out) {
  const size_t start = pos_;
  ++pos_;  // the backslash
  if (eof()) {
    return fail(start, "unterminated string");
  }
  const char c = peek();
  ++pos_;
  // The two-character escapes and what they stand for, position by position.
  constexpr std::string_view kEscaped = "\"\\/bfnrt";
  constexpr std::string_view kDecoded = "\"\\/\b\f\n\r\t";
  if (const size_t i = kEscaped.find(c); i != std::string_view::npos) {
    out += kDecoded[i];
    return true;
  }
  if (c != 'u') {
    return fail(start, "invalid escape");
  }
  uint32_t cp = 0;
  if (!read_hex4(cp)) {
    return false;
  }
  if (cp >= 0xdc00 && cp <= 0xdfff) {
    return fail(start, "invalid \\u escape: unpaired surrogate");
  }
  if (cp >= 0xd800 && cp <= 0xdbff) {
    uint32_t low = 0;
    if (text_.substr(pos_, 2) != "\\u") {
      return fail(start, "invalid \\u escape: unpaired surrogate");
    }
    pos_ += 2;
    if (!read_hex4(low)) {
      return false;
    }
    if (low < 0xdc00 || low > 0xdfff) {
      return fail(start, "invalid \\u escape: unpaired surrogate");
    }
    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
  }
  if (cp == 0 && !limits_.allow_nul) {
    return fail(start, "\\u0000 is not allowed");
  }
  append_utf8(out, cp);
  return true;
}

}  // namespace

Result<boost::json::value> parse(std::string_view text, const Limits& limits) {
  return Parser(text, limits).run();
}

std::string quote_key(std::string_view key) {
  constexpr size_t kMax = 64;
  if (key.size() <= kMax) {
    return boost::json::serialize(boost::json::string_view(key.data(), key.size()));
  }
  size_t cut = kMax;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(key[cut]))) {
    --cut;
  }
  std::string q = boost::json::serialize(boost::json::string_view(key.data(), cut));
  q.insert(q.size() - 1, "...");
  return q;
}

}  // namespace dts::json::detail
