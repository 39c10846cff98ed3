// Operator builtins: comparison, arithmetic, set union/intersection/difference.
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using types::kAny;
using types::kBool;
using types::kNumber;
using types::kSet;

void add_comparison(Registry& r, std::string name, bool (*pred)(int)) {
  r.add(name, {kAny, kAny}, kBool,
        [pred](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          return Value::boolean(pred(a[0].compare(a[1])));
        });
}

Result<Value> arith(std::string_view name, std::span<const Value> a,
                    Result<Number> (*op)(const Number&, const Number&)) {
  DTS_ASSIGN_OR_RETURN(Number x, arg_number(name, a, 1));
  DTS_ASSIGN_OR_RETURN(Number y, arg_number(name, a, 2));
  auto res = op(x, y);
  if (!res.ok()) {
    return builtin_error(std::string(name) + ": " + res.error().message());
  }
  return Value::number(*res);
}

}  // namespace

void register_arithmetic(Registry& r);  // builtins/arithmetic.cpp: abs, round, bits.* ...

void register_operators(Registry& r) {
  register_arithmetic(r);
  add_comparison(r, "equal", [](int c) { return c == 0; });
  add_comparison(r, "neq", [](int c) { return c != 0; });
  add_comparison(r, "lt", [](int c) { return c < 0; });
  add_comparison(r, "lte", [](int c) { return c <= 0; });
  add_comparison(r, "gt", [](int c) { return c > 0; });
  add_comparison(r, "gte", [](int c) { return c >= 0; });

  r.add("plus", {kNumber, kNumber}, kNumber, [](std::span<const Value> a, BuiltinContext&) {
    return arith("plus", a,
                 [](const Number& x, const Number& y) -> Result<Number> { return x + y; });
  });
  r.add("mul", {kNumber, kNumber}, kNumber, [](std::span<const Value> a, BuiltinContext&) {
    return arith("mul", a,
                 [](const Number& x, const Number& y) -> Result<Number> { return x * y; });
  });
  r.add("div", {kNumber, kNumber}, kNumber,
        [](std::span<const Value> a, BuiltinContext&) { return arith("div", a, &Number::divide); });
  r.add("rem", {kNumber, kNumber}, kNumber,
        [](std::span<const Value> a, BuiltinContext&) { return arith("rem", a, &Number::modulo); });
  r.add("minus", {kNumber | kSet, kNumber | kSet}, kNumber | kSet,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          if (a[0].is_set() && a[1].is_set()) {
            Set out;
            for (const auto& v : a[0].as_set()) {
              if (!a[1].as_set().contains(v)) out.insert(v);
            }
            return Value::set(std::move(out));
          }
          if (a[0].is_number() && a[1].is_number()) {
            return Value::number(a[0].as_number() - a[1].as_number());
          }
          if (!a[0].is_number() && !a[0].is_set()) {
            return operand_error("minus", 1, "one of {number, set}", a[0]);
          }
          return operand_error("minus", 2, a[0].is_set() ? "set" : "number", a[1]);
        });
  r.add("and", {kSet, kSet}, kSet, [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
    if (!a[0].is_set()) return operand_error("and", 1, "set", a[0]);
    if (!a[1].is_set()) return operand_error("and", 2, "set", a[1]);
    Set out;
    for (const auto& v : a[0].as_set()) {
      if (a[1].as_set().contains(v)) out.insert(v);
    }
    return Value::set(std::move(out));
  });
  r.add("or", {kSet, kSet}, kSet, [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
    if (!a[0].is_set()) return operand_error("or", 1, "set", a[0]);
    if (!a[1].is_set()) return operand_error("or", 2, "set", a[1]);
    Set out = a[0].as_set();
    out.insert(a[1].as_set().begin(), a[1].as_set().end());
    return Value::set(std::move(out));
  });
}

}  // namespace dts::rego
