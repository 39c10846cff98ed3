// Aggregate builtins: sum, product, max, min, sort, all, any.
#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::arg_elements;
using builtins::element_error;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kNumber;
using types::kSet;

Result<Value> fold_numbers(std::string_view fn, std::span<const Value> a, Number init,
                           Number (*op)(const Number&, const Number&)) {
  DTS_ASSIGN_OR_RETURN(std::vector<Value> elems, arg_elements(fn, a, 1));
  Number acc = init;
  for (const auto& e : elems) {
    if (!e.is_number()) {
      return element_error(fn, 1, a[0], "number", e);
    }
    acc = op(acc, e.as_number());
  }
  return Value::number(acc);
}

Result<Value> extreme(std::string_view fn, std::span<const Value> a, int sign) {
  DTS_ASSIGN_OR_RETURN(std::vector<Value> elems, arg_elements(fn, a, 1));
  if (elems.empty()) {
    return undefined_result();  // OPA: max([]) is undefined, not an error
  }
  const Value* best = &elems[0];
  for (const auto& e : elems) {
    if (e.compare(*best) * sign > 0) {
      best = &e;
    }
  }
  return *best;
}

Result<Value> all_any(std::string_view fn, std::span<const Value> a, bool want_all) {
  DTS_ASSIGN_OR_RETURN(std::vector<Value> elems, arg_elements(fn, a, 1));
  for (const auto& e : elems) {
    if (want_all && !e.is_true()) {
      return Value::boolean(false);
    }
    if (!want_all && e.is_true()) {
      return Value::boolean(true);
    }
  }
  return Value::boolean(want_all);
}

}  // namespace

void register_aggregates(Registry& r) {
  r.add("sum", {kArray | kSet}, kNumber, [](std::span<const Value> a, BuiltinContext&) {
    return fold_numbers("sum", a, Number(0),
                        [](const Number& x, const Number& y) { return x + y; });
  });
  r.add("product", {kArray | kSet}, kNumber, [](std::span<const Value> a, BuiltinContext&) {
    return fold_numbers("product", a, Number(1),
                        [](const Number& x, const Number& y) { return x * y; });
  });
  r.add("max", {kArray | kSet}, kAny,
        [](std::span<const Value> a, BuiltinContext&) { return extreme("max", a, 1); });
  r.add("min", {kArray | kSet}, kAny,
        [](std::span<const Value> a, BuiltinContext&) { return extreme("min", a, -1); });
  r.add("sort", {kArray | kSet}, kArray,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::vector<Value> elems, arg_elements("sort", a, 1));
          std::stable_sort(elems.begin(), elems.end(), ValueLess());
          return Value::array(std::move(elems));
        });
  // Deprecated in OPA but still accepted by older policies.
  r.add("all", {kArray | kSet}, kBool,
        [](std::span<const Value> a, BuiltinContext&) { return all_any("all", a, true); });
  r.add("any", {kArray | kSet}, kBool,
        [](std::span<const Value> a, BuiltinContext&) { return all_any("any", a, false); });
}

}  // namespace dts::rego
