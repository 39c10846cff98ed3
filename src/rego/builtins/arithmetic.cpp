// Number builtins beyond the operators: abs, round, ceil, floor, numbers.range(_step),
// rand.intn and bits.*. Integers stay exact; bit operations need int64 operands.
#include <cmath>
#include <random>

#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using types::kArray;
using types::kNumber;
using types::kString;

// Large ranges are refused rather than allocated (the evaluation's memory bound).
constexpr int64_t kMaxRange = 10'000'000;

void add_rounding(Registry& r, const std::string& name, double (*op)(double)) {
  r.add(name, {kNumber}, kNumber,
        [name, op](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(Number n, arg_number(name, a, 1));
          if (n.is_int()) return Value::number(n);
          return Value::number(Number::from_double(op(n.to_double())));
        });
}

Result<int64_t> integer_arg(std::string_view fn, std::span<const Value> a, int index) {
  DTS_ASSIGN_OR_RETURN(Number n, arg_number(fn, a, index));
  auto i = n.as_int64();
  if (!n.is_int() || !i) {
    return operand_error(fn, index, "integer", a[static_cast<size_t>(index - 1)]);
  }
  return *i;
}

Result<Value> make_range(std::string_view fn, int64_t from, int64_t to, int64_t step) {
  if (step <= 0)
    return builtin_error(std::string(fn) + ": step must be a positive number above zero");
  uint64_t span = from <= to ? static_cast<uint64_t>(to) - static_cast<uint64_t>(from)
                             : static_cast<uint64_t>(from) - static_cast<uint64_t>(to);
  if (span / static_cast<uint64_t>(step) > static_cast<uint64_t>(kMaxRange)) {
    return builtin_error(std::string(fn) + ": range too large");
  }
  Array out;
  if (from <= to) {
    for (int64_t v = from; v <= to; v += step) {
      out.push_back(Value::number(v));
      if (to - v < step) break;
    }
  } else {
    for (int64_t v = from; v >= to; v -= step) {
      out.push_back(Value::number(v));
      if (v - to < step) break;
    }
  }
  return Value::array(std::move(out));
}

void add_bits(Registry& r, const std::string& name, int64_t (*op)(int64_t, int64_t)) {
  r.add(name, {kNumber, kNumber}, kNumber,
        [name, op](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(int64_t x, integer_arg(name, a, 1));
          DTS_ASSIGN_OR_RETURN(int64_t y, integer_arg(name, a, 2));
          return Value::number(op(x, y));
        });
}

}  // namespace

void register_arithmetic(Registry& r) {
  r.add("abs", {kNumber}, kNumber, [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(Number n, arg_number("abs", a, 1));
    return Value::number(n.compare(Number(0)) < 0 ? -n : n);
  });
  add_rounding(r, "round", [](double d) { return std::round(d); });
  add_rounding(r, "ceil", [](double d) { return std::ceil(d); });
  add_rounding(r, "floor", [](double d) { return std::floor(d); });

  r.add("numbers.range", {kNumber, kNumber}, kArray,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(int64_t from, integer_arg("numbers.range", a, 1));
          DTS_ASSIGN_OR_RETURN(int64_t to, integer_arg("numbers.range", a, 2));
          return make_range("numbers.range", from, to, 1);
        });
  r.add("numbers.range_step", {kNumber, kNumber, kNumber}, kArray,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(int64_t from, integer_arg("numbers.range_step", a, 1));
          DTS_ASSIGN_OR_RETURN(int64_t to, integer_arg("numbers.range_step", a, 2));
          DTS_ASSIGN_OR_RETURN(int64_t step, integer_arg("numbers.range_step", a, 3));
          return make_range("numbers.range_step", from, to, step);
        });

  BuiltinDecl intn;
  intn.name = "rand.intn";
  intn.args = {kString, kNumber};
  intn.result = kNumber;
  intn.nondeterministic = true;  // the engine caches it per evaluation, as OPA does
  r.add(std::move(intn), [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view seed, arg_string("rand.intn", a, 1));
    (void)seed;
    DTS_ASSIGN_OR_RETURN(int64_t n, integer_arg("rand.intn", a, 2));
    if (n == 0) return Value::number(0);
    if (n < 0) n = -n;
    std::random_device rd;
    std::uniform_int_distribution<int64_t> dist(0, n - 1);
    return Value::number(dist(rd));
  });

  add_bits(r, "bits.and", [](int64_t x, int64_t y) { return x & y; });
  add_bits(r, "bits.or", [](int64_t x, int64_t y) { return x | y; });
  add_bits(r, "bits.xor", [](int64_t x, int64_t y) { return x ^ y; });
  add_bits(r, "bits.lsh", [](int64_t x, int64_t y) {
    return y < 0 || y >= 63 ? int64_t{0} : static_cast<int64_t>(static_cast<uint64_t>(x) << y);
  });
  add_bits(r, "bits.rsh",
           [](int64_t x, int64_t y) { return y < 0 ? x : (y >= 63 ? (x < 0 ? -1 : 0) : x >> y); });
  r.add("bits.negate", {kNumber}, kNumber,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(int64_t x, integer_arg("bits.negate", a, 1));
          return Value::number(~x);
        });
}

}  // namespace dts::rego
