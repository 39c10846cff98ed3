// sprintf: Go's fmt.Sprintf applied to the Go values OPA hands it. OPA passes integers as
// int (or *big.Int), other numbers as float64, strings as string, and every other value as
// the string of its Rego text — so `%v` of an array prints `[1, 2]` and `%d` of a boolean
// prints `%!d(string=true)`, exactly like OPA.
#include "rego/builtins/sprintf.hpp"

#include "rego/builtins/go_fmt.hpp"
#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace builtins {
namespace {

using gofmt::fmt_float;
using gofmt::fmt_integer;
using gofmt::fmt_string;
using gofmt::Spec;

struct Arg {
  enum Type { kInt, kBigInt, kFloat, kString } type;
  int64_t i = 0;
  double f = 0;
  std::string s;  // string value, or decimal digits of a big integer
};

Arg to_arg(const Value& v) {
  if (v.is_number()) {
    const Number& n = v.as_number();
    if (n.is_int()) {
      if (auto i = n.as_int64()) {
        return {Arg::kInt, *i, 0, {}};
      }
      return {Arg::kBigInt, 0, 0, n.as_bigint()->to_string()};
    }
    return {Arg::kFloat, 0, n.to_double(), {}};
  }
  if (v.is_string()) {
    return {Arg::kString, 0, 0, v.as_string()};
  }
  return {Arg::kString, 0, 0, v.to_string()};
}

// Go's fmt.pad: width counts code points; zero padding only when asked and not left-aligned.

const char* type_of(const Arg& a) {
  switch (a.type) {
    case Arg::kInt:
      return "int";
    case Arg::kBigInt:
      return "*big.Int";
    case Arg::kFloat:
      return "float64";
    default:
      return "string";
  }
}

void print_arg(std::string& out, const Spec& sp, const Arg& a, char verb);

void bad_verb(std::string& out, const Arg& a, char verb) {
  out += "%!";
  out.push_back(verb);
  out += "(";
  out += type_of(a);
  out += "=";
  print_arg(out, Spec{}, a, 'v');
  out += ")";
}

void print_arg(std::string& out, const Spec& sp, const Arg& a, char verb) {
  static const std::string_view kIntVerbs = "bcdoOqxXUv";
  static const std::string_view kFloatVerbs = "eEfFgGv";
  static const std::string_view kStringVerbs = "sqxXv";
  switch (a.type) {
    case Arg::kInt:
      if (kIntVerbs.find(verb) == std::string_view::npos) {
        return bad_verb(out, a, verb);
      }
      return fmt_integer(out, sp, a.i < 0 && verb != 'c' && verb != 'q' && verb != 'U',
                         a.i < 0 && verb != 'c' && verb != 'q' && verb != 'U'
                             ? uint64_t{0} - static_cast<uint64_t>(a.i)
                             : static_cast<uint64_t>(a.i),
                         {}, verb == 'v' ? 'd' : verb);
    case Arg::kBigInt: {
      if (verb != 'd' && verb != 'v' && verb != 's') {
        return bad_verb(out, a, verb);
      }
      bool neg = a.s[0] == '-';
      return fmt_integer(out, sp, neg, 1, neg ? a.s.substr(1) : a.s, 'd');
    }
    case Arg::kFloat:
      if (kFloatVerbs.find(verb) == std::string_view::npos) {
        return bad_verb(out, a, verb);
      }
      return fmt_float(out, sp, a.f, verb);
    case Arg::kString:
      if (kStringVerbs.find(verb) == std::string_view::npos) {
        return bad_verb(out, a, verb);
      }
      return fmt_string(out, sp, a.s, verb);
  }
}

}  // namespace

std::string go_sprintf(std::string_view format, std::span<const Value> values) {
  std::vector<Arg> args;
  args.reserve(values.size());
  for (const auto& v : values) {
    args.push_back(to_arg(v));
  }
  std::string out;
  size_t next = 0;
  size_t i = 0;
  auto parse_num = [&](int& n) {
    bool any = false;
    n = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9' && n < 1000000) {
      n = n * 10 + (format[i++] - '0');
      any = true;
    }
    return any;
  };
  while (i < format.size()) {
    char c = format[i];
    if (c != '%') {
      out.push_back(c);
      ++i;
      continue;
    }
    ++i;
    Spec sp;
    for (; i < format.size(); ++i) {
      char f = format[i];
      if (f == '+') {
        sp.plus = true;
      } else if (f == '-') {
        sp.minus = true;
        sp.zero = false;
      } else if (f == '#') {
        sp.sharp = true;
      } else if (f == ' ') {
        sp.space = true;
      } else if (f == '0') {
        sp.zero = !sp.minus;
      } else {
        break;
      }
    }
    if (i < format.size() && format[i] == '*') {
      ++i;
      if (next < args.size() && args[next].type == Arg::kInt) {
        sp.wid = static_cast<int>(args[next++].i);
        sp.wid_present = true;
        if (sp.wid < 0) {
          sp.minus = true;
          sp.zero = false;
          sp.wid = -sp.wid;
        }
      } else {
        out += "%!(BADWIDTH)";
      }
    } else {
      sp.wid_present = parse_num(sp.wid);
    }
    if (i < format.size() && format[i] == '.') {
      ++i;
      sp.prec_present = true;
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (next < args.size() && args[next].type == Arg::kInt && args[next].i >= 0) {
          sp.prec = static_cast<int>(args[next++].i);
        } else {
          out += "%!(BADPREC)";
          sp.prec_present = false;
        }
      } else {
        parse_num(sp.prec);
      }
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    // Verbs may be any code point; keep the whole UTF-8 sequence for error text.
    char verb = format[i++];
    if (verb == '%') {
      out.push_back('%');
      continue;
    }
    if (next >= args.size()) {
      out += "%!";
      out.push_back(verb);
      out += "(MISSING)";
      continue;
    }
    print_arg(out, sp, args[next++], verb);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = next; k < args.size(); ++k) {
      if (k > next) {
        out += ", ";
      }
      out += type_of(args[k]);
      out += "=";
      print_arg(out, Spec{}, args[k], 'v');
    }
    out += ")";
  }
  return out;
}

}  // namespace builtins

void register_sprintf(Registry& r) {
  r.add("sprintf", {types::kString, types::kArray}, types::kString,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::string_view f, arg_string("sprintf", a, 1));
          if (!a[1].is_array()) {
            return operand_error("sprintf", 2, "array", a[1]);
          }
          return Value::string(builtins::go_sprintf(f, a[1].as_array()));
        });
}

}  // namespace dts::rego
