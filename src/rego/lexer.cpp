#include "rego/lexer.hpp"

#include <cctype>

namespace dts::rego {
namespace {

class Lexer {
 public:
  Lexer(std::string_view src, std::shared_ptr<const std::string> file)
      : s_(src), file_(std::move(file)) {}

  bool run(std::vector<Token>& out, RegoError& error) {
    if (s_.size() > kMaxSourceBytes) {
      return fail(error, "module too large");
    }
    bool newline = false;
    bool space = false;
    while (true) {
      // Whitespace and comments.
      while (pos_ < s_.size()) {
        char c = s_[pos_];
        if (c == '\n') {
          newline = true;
          space = true;
          advance();
        } else if (c == ' ' || c == '\t' || c == '\r') {
          space = true;
          advance();
        } else if (c == '#') {
          space = true;
          while (pos_ < s_.size() && s_[pos_] != '\n') advance();
        } else {
          break;
        }
      }
      Token t;
      t.loc = here();
      t.newline_before = newline;
      t.space_before = space;
      newline = false;
      space = false;
      if (pos_ >= s_.size()) {
        t.kind = Tok::kEof;
        out.push_back(std::move(t));
        return true;
      }
      if (!next(t, error)) {
        return false;
      }
      out.push_back(std::move(t));
    }
  }

 private:
  Location here() const { return Location{file_, line_, col_}; }

  void advance() {
    if (s_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(s_[pos_]) & 0xc0) != 0x80) {
      ++col_;
    }
    ++pos_;
  }

  bool fail(RegoError& error, std::string msg) {
    error = RegoError{kParseError, std::move(msg), here()};
    return false;
  }

  static bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  }
  static bool ident_char(char c) {
    return ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
  }

  bool next(Token& t, RegoError& error) {
    char c = s_[pos_];
    if (ident_start(c)) {
      size_t start = pos_;
      while (pos_ < s_.size() && ident_char(s_[pos_])) advance();
      t.kind = Tok::kIdent;
      t.text = std::string(s_.substr(start, pos_ - start));
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < s_.size() &&
         std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])) && false)) {
      return number(t, error);
    }
    if (c == '"') return string(t, error);
    if (c == '`') return raw_string(t, error);
    auto two = s_.substr(pos_, 2);
    auto set2 = [&](Tok k) {
      t.kind = k;
      t.text = std::string(two);
      advance();
      advance();
      return true;
    };
    if (two == ":=") return set2(Tok::kAssign);
    if (two == "==") return set2(Tok::kEq);
    if (two == "!=") return set2(Tok::kNeq);
    if (two == "<=") return set2(Tok::kLte);
    if (two == ">=") return set2(Tok::kGte);
    Tok k;
    switch (c) {
      case '{':
        k = Tok::kLBrace;
        break;
      case '}':
        k = Tok::kRBrace;
        break;
      case '[':
        k = Tok::kLBracket;
        break;
      case ']':
        k = Tok::kRBracket;
        break;
      case '(':
        k = Tok::kLParen;
        break;
      case ')':
        k = Tok::kRParen;
        break;
      case '.':
        k = Tok::kDot;
        break;
      case ',':
        k = Tok::kComma;
        break;
      case ';':
        k = Tok::kSemicolon;
        break;
      case ':':
        k = Tok::kColon;
        break;
      case '=':
        k = Tok::kUnify;
        break;
      case '<':
        k = Tok::kLt;
        break;
      case '>':
        k = Tok::kGt;
        break;
      case '+':
        k = Tok::kPlus;
        break;
      case '-':
        k = Tok::kMinus;
        break;
      case '*':
        k = Tok::kStar;
        break;
      case '/':
        k = Tok::kSlash;
        break;
      case '%':
        k = Tok::kPercent;
        break;
      case '|':
        k = Tok::kPipe;
        break;
      case '&':
        k = Tok::kAmp;
        break;
      default:
        return fail(error,
                    std::string("illegal token '") +
                        (static_cast<unsigned char>(c) < 0x80 ? std::string(1, c) : "\\x..") + "'");
    }
    t.kind = k;
    t.text = std::string(1, c);
    advance();
    return true;
  }

  bool number(Token& t, RegoError& error) {
    size_t start = pos_;
    auto digits = [&] {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) advance();
    };
    digits();
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' &&
        std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      advance();
      digits();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t save = pos_;
      advance();
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) advance();
      if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        digits();
      } else {
        pos_ = save;
        return fail(error, "invalid number literal");
      }
    }
    if (pos_ < s_.size() && ident_start(s_[pos_])) {
      return fail(error, "invalid number literal");
    }
    t.kind = Tok::kNumber;
    t.text = std::string(s_.substr(start, pos_ - start));
    return true;
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

  bool valid_utf8_at(size_t i, size_t& n) const {
    auto c = static_cast<unsigned char>(s_[i]);
    n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s_.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s_[i + k]) & 0xc0) != 0x80) return false;
    }
    return true;
  }

  bool hex4(uint32_t& v) {
    v = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_]))) return false;
      char h = s_[pos_];
      v = v * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                             ? h - '0'
                                             : (std::tolower(h) - 'a' + 10));
      advance();
    }
    return true;
  }

  bool string(Token& t, RegoError& error) {
    advance();
    std::string out;
    while (true) {
      if (pos_ >= s_.size() || s_[pos_] == '\n') return fail(error, "non-terminated string");
      char c = s_[pos_];
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {
        advance();
        if (pos_ >= s_.size()) return fail(error, "non-terminated string");
        char e = s_[pos_];
        advance();
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
            uint32_t cp;
            if (!hex4(cp)) return fail(error, "invalid unicode escape in string");
            if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(pos_, 2) == "\\u") {
              advance();
              advance();
              uint32_t lo;
              if (!hex4(lo)) return fail(error, "invalid unicode escape in string");
              cp = (lo >= 0xdc00 && lo < 0xe000) ? 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
                                                 : 0xfffd;
            } else if (cp >= 0xd800 && cp < 0xe000) {
              cp = 0xfffd;
            }
            append_utf8(out, cp);
            break;
          }
          default:
            return fail(error, "invalid escape sequence in string");
        }
        continue;
      }
      size_t n;
      if (!valid_utf8_at(pos_, n)) return fail(error, "invalid UTF-8 in string");
      for (size_t k = 0; k < n; ++k) {
        out.push_back(s_[pos_]);
        advance();
      }
    }
    t.kind = Tok::kString;
    t.text = std::move(out);
    return true;
  }

  bool raw_string(Token& t, RegoError& error) {
    advance();
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '`') advance();
    if (pos_ >= s_.size()) return fail(error, "non-terminated raw string");
    t.kind = Tok::kRawString;
    t.text = std::string(s_.substr(start, pos_ - start));
    advance();
    return true;
  }

  std::string_view s_;
  std::shared_ptr<const std::string> file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

bool lex(std::string_view source, std::shared_ptr<const std::string> file, std::vector<Token>& out,
         RegoError& error) {
  return Lexer(source, std::move(file)).run(out, error);
}

std::string_view tok_name(Tok kind) {
  static constexpr std::string_view kNames[] = {
      "EOF", "identifier", "string", "raw string", "number", "{",  "}", "[",  "]",  "(",
      ")",   ".",          ",",      ";",          ":",      ":=", "=", "==", "!=", "<",
      "<=",  ">",          ">=",     "+",          "-",      "*",  "/", "%",  "|",  "&"};
  return kNames[static_cast<int>(kind)];
}

}  // namespace dts::rego
