// Go's fmt verb formatters used by sprintf (see go_fmt.hpp).
#include "rego/builtins/go_fmt.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/sprintf.hpp"

namespace dts::rego::builtins {
namespace {

bool is_print(char32_t c) {
  return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && c != 0xad && c != 0xfffd;
}

void quote_rune(std::string& out, char32_t c, char q) {
  static const char* hex = "0123456789abcdef";
  switch (c) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    case '\\':
      out += "\\\\";
      return;
    default:
      break;
  }
  if (c == static_cast<char32_t>(q)) {
    out.push_back('\\');
    out.push_back(q);
  } else if (is_print(c)) {
    utf8_append(out, c);
  } else if (c < 0x80) {
    out += "\\x";
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
  } else {
    int digits = c < 0x10000 ? 4 : 8;
    out += digits == 4 ? "\\u" : "\\U";
    for (int k = digits - 1; k >= 0; --k) {
      out.push_back(hex[(c >> (4 * k)) & 0xf]);
    }
  }
}

// The shortest round-trip digits in Go's %g style (%e when exp < -4 || exp >= 6).
std::string shortest_g(double v, bool upper) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  std::string res;
  if (exp < -4 || exp >= 6) {
    res = sci;
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    res.assign(buf, r.ptr);
  }
  if (upper) {
    for (char& c : res) {
      if (c == 'e') {
        c = 'E';
      }
    }
  }
  return res;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (char32_t c : utf8_decode(s)) {
    quote_rune(out, c, '"');
  }
  out += "\"";
  return out;
}

namespace gofmt {

void pad(std::string& out, const Spec& sp, std::string_view s, bool zero_ok) {
  size_t n = utf8_count(s);
  size_t w = sp.wid_present && sp.wid > 0 ? static_cast<size_t>(sp.wid) : 0;
  if (n >= w) {
    out += s;
    return;
  }
  std::string fill(w - n, sp.zero && zero_ok && !sp.minus ? '0' : ' ');
  if (sp.minus) {
    out += s;
    out += fill;
  } else {
    out += fill;
    out += s;
  }
}

void fmt_integer(std::string& out, Spec sp, bool neg, uint64_t u, std::string digits_override,
                 char verb) {
  int base = verb == 'b'                    ? 2
             : verb == 'o' || verb == 'O'   ? 8
             : (verb == 'x' || verb == 'X') ? 16
                                            : 10;
  const char* dig = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  if (verb == 'c') {
    std::string s;
    utf8_append(s, u > 0x10ffff ? 0xfffd : static_cast<char32_t>(u));
    pad(out, sp, s);
    return;
  }
  if (verb == 'q') {
    std::string s = "'";
    quote_rune(s, u > 0x10ffff ? 0xfffd : static_cast<char32_t>(u), '\'');
    s += "'";
    pad(out, sp, s);
    return;
  }
  if (verb == 'U') {
    char buf[32];
    std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(u));
    pad(out, sp, buf);
    return;
  }
  int prec = 0;
  if (sp.prec_present) {
    prec = sp.prec;
    if (prec == 0 && u == 0 && digits_override.empty()) {
      Spec s2 = sp;
      s2.zero = false;
      pad(out, s2, "");
      return;
    }
  } else if (sp.zero && sp.wid_present && !sp.minus) {
    prec = sp.wid;
    if (neg || sp.plus || sp.space) {
      --prec;
    }
  }
  std::string d = digits_override;
  if (d.empty()) {
    do {
      d.insert(d.begin(), dig[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
  }
  while (static_cast<int>(d.size()) < prec) {
    d.insert(d.begin(), '0');
  }
  if (sp.sharp) {
    if (base == 2) {
      d.insert(0, "0b");
    } else if (base == 8 && d[0] != '0') {
      d.insert(0, "0");
    } else if (base == 16) {
      d.insert(0, verb == 'X' ? "0X" : "0x");
    }
  }
  if (verb == 'O') {
    d.insert(0, "0o");
  }
  if (neg) {
    d.insert(0, "-");
  } else if (sp.plus) {
    d.insert(0, "+");
  } else if (sp.space) {
    d.insert(0, " ");
  }
  Spec s2 = sp;
  s2.zero = false;  // zero padding was done as precision above
  pad(out, s2, d);
}

void fmt_float(std::string& out, Spec sp, double v, char verb) {
  std::string num;
  if (std::isinf(v) || std::isnan(v)) {
    num = std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    sp.zero = false;
  } else {
    char fmt[16];
    char c = verb == 'v' ? 'g' : verb == 'F' ? 'f' : verb;
    if ((c == 'g' || c == 'G') && !sp.prec_present) {
      num = shortest_g(v, c == 'G');
    } else {
      int prec = sp.prec_present ? sp.prec : 6;
      std::snprintf(fmt, sizeof fmt, "%%%s.*%c", sp.sharp ? "#" : "", c);
      char buf[512];
      std::snprintf(buf, sizeof buf, fmt, prec, v);
      num = buf;
    }
  }
  if (num[0] != '-' && num[0] != '+') {
    num.insert(0, "+");
  }
  if (sp.space && num[0] == '+' && !sp.plus) {
    num[0] = ' ';
  }
  if (sp.plus || num[0] != '+') {
    if (sp.zero && !sp.minus && sp.wid_present && sp.wid > static_cast<int>(num.size())) {
      out.push_back(num[0]);
      out.append(static_cast<size_t>(sp.wid) - num.size(), '0');
      out.append(num, 1);
      return;
    }
    pad(out, sp, num);
    return;
  }
  pad(out, sp, std::string_view(num).substr(1));
}

void fmt_string(std::string& out, const Spec& sp, std::string_view s, char verb) {
  if (verb == 's' || verb == 'v') {
    if (sp.prec_present) {
      std::u32string cps = utf8_decode(s);
      if (cps.size() > static_cast<size_t>(sp.prec)) {
        pad(out, sp, utf8_encode(cps.substr(0, static_cast<size_t>(sp.prec))));
        return;
      }
    }
    pad(out, sp, s);
  } else if (verb == 'q') {
    pad(out, sp, go_quote(s));
  } else {  // x / X
    const char* dig = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string h;
    for (size_t i = 0; i < s.size(); ++i) {
      if (sp.space && i > 0) {
        h.push_back(' ');
      }
      auto b = static_cast<unsigned char>(s[i]);
      h.push_back(dig[b >> 4]);
      h.push_back(dig[b & 0xf]);
    }
    pad(out, sp, h);
  }
}

}  // namespace gofmt
}  // namespace dts::rego::builtins
