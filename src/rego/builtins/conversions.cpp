// Number/string conversions: format_int, to_number.
#include <cmath>
#include <cstdlib>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using Args = std::span<const Value>;

std::string big_to_base(BigInt v, int base) {
  if (base == 10) {
    return v.to_string();
  }
  bool neg = v.negative();
  if (neg) {
    v = -v;
  }
  std::string out;
  BigInt b(base);
  while (!v.is_zero()) {
    BigInt q;
    BigInt rem;
    BigInt::div_mod(v, b, q, rem);
    out.insert(out.begin(), "0123456789abcdef"[*rem.to_int64()]);
    v = q;
  }
  if (out.empty()) {
    out = "0";
  }
  return neg ? "-" + out : out;
}

Result<Value> format_int(Args a) {
  DTS_ASSIGN_OR_RETURN(Number n, arg_number("format_int", a, 1));
  DTS_ASSIGN_OR_RETURN(Number base_n, arg_number("format_int", a, 2));
  auto base = base_n.as_int64();
  if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16)) {
    return type_error("format_int: operand 2 must be one of {2, 8, 10, 16}");
  }
  BigInt v;
  if (auto b = n.as_bigint()) {
    v = *b;
  } else {
    // Truncation toward zero, like big.Float.Int.
    double t = std::trunc(n.to_double());
    v = *Number::from_double(t).as_bigint();
  }
  return Value::string(big_to_base(v, static_cast<int>(*base)));
}

// strconv.ParseFloat's accepted syntax, minus hex floats; OPA keeps the literal's value.
Result<Value> to_number(Args a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::kNull:
      return Value::number(0);
    case Kind::kBool:
      return Value::number(v.as_bool() ? 1 : 0);
    case Kind::kNumber:
      return v;
    case Kind::kString: {
      std::string s = v.as_string();
      std::string lower;
      for (char c : s) {
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      std::string_view body = lower;
      if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
        body.remove_prefix(1);
      }
      if (body == "inf" || body == "infinity" || body == "nan") {
        return builtin_error("to_number: invalid syntax");
      }
      std::string text = s;
      if (!text.empty() && text[0] == '+') {
        text.erase(0, 1);
      }
      // Go accepts ".5" and "5."; JSON-style parsing does not, so normalise them.
      size_t digits_at = (!text.empty() && text[0] == '-') ? 1 : 0;
      if (text.size() > digits_at && text[digits_at] == '.') {
        text.insert(digits_at, "0");
      }
      if (auto dot = text.find('.');
          dot != std::string::npos &&
          (dot + 1 == text.size() || text[dot + 1] == 'e' || text[dot + 1] == 'E')) {
        text.insert(dot + 1, "0");
      }
      auto n = Number::parse(text);
      if (!n) {
        return builtin_error("to_number: strconv.ParseFloat: parsing " +
                             builtins::str(s).to_json() + ": invalid syntax");
      }
      return Value::number(*n);
    }
    default:
      return operand_error("to_number", 1, "one of {null, boolean, number, string}", v);
  }
}

}  // namespace

void register_conversions(Registry& r) {
  r.add("format_int", {types::kNumber, types::kNumber}, types::kString,
        [](Args a, BuiltinContext&) { return format_int(a); });
  r.add("to_number", {types::kNull | types::kBool | types::kNumber | types::kString},
        types::kNumber, [](Args a, BuiltinContext&) { return to_number(a); });
}

}  // namespace dts::rego
