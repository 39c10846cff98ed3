// Number builtins: abs/round/ceil/floor, numbers.range*, bits.*, rand.intn.
#include <openssl/rand.h>

#include <cmath>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using types::kArray;
using types::kNumber;
using types::kString;
using Args = std::span<const Value>;

// Results beyond this many elements are refused rather than exhausting memory.
constexpr int64_t kMaxRange = 10'000'000;

Result<Value> range(std::string_view fn, int64_t a, int64_t b, int64_t step, BuiltinContext& ctx) {
  __int128 span = static_cast<__int128>(b) - a;
  if ((span < 0 ? -span : span) / step >= kMaxRange) {
    return builtin_error(std::string(fn) + ": range too large");
  }
  Array out;
  int64_t dir = a <= b ? 1 : -1;
  for (__int128 x = a; dir > 0 ? x <= b : x >= b; x += dir * step) {
    if ((out.size() & 0xffff) == 0xffff && ctx.cancelled()) {
      return cancelled_error();
    }
    out.push_back(Value::number(static_cast<int64_t>(x)));
  }
  return Value::array(std::move(out));
}

Result<Value> rounding(std::string_view fn, Args a, double (*f)(double)) {
  DTS_ASSIGN_OR_RETURN(Number n, arg_number(fn, a, 1));
  if (n.is_int()) {
    return Value::number(n);
  }
  return Value::number(Number::from_double(f(n.to_double())));
}

Result<int64_t> bits_operand(std::string_view fn, Args a, int index) {
  const Value& v = a[static_cast<size_t>(index - 1)];
  if (!v.is_number()) {
    return operand_error(fn, index, "number", v);
  }
  auto i = v.as_number().is_int() ? v.as_number().as_int64() : std::nullopt;
  if (!i) {
    return type_error(std::string(fn) + ": operand " + std::to_string(index) +
                      " must be integer number but got floating-point number");
  }
  return *i;
}

using BitOp = int64_t (*)(int64_t, int64_t);

void add_bits(Registry& r, const char* name, BitOp op) {
  r.add(name, {kNumber, kNumber}, kNumber, [name, op](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(int64_t x, bits_operand(name, a, 1));
    DTS_ASSIGN_OR_RETURN(int64_t y, bits_operand(name, a, 2));
    return Value::number(op(x, y));
  });
}

Result<Value> shift(std::string_view fn, Args a, bool left) {
  DTS_ASSIGN_OR_RETURN(int64_t x, bits_operand(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(int64_t n, bits_operand(fn, a, 2));
  if (n < 0) {
    return type_error(std::string(fn) + ": operand 2 must be an unsigned integer number but got a "
                      "negative integer");
  }
  if (!left) {
    return Value::number(n >= 63 ? (x < 0 ? -1 : 0) : x >> n);
  }
  if (n > 4096) {
    return builtin_error(std::string(fn) + ": shift too large");
  }
  // Exact like Go's big.Int.Lsh: multiply by 2^n as a big integer.
  BigInt result(x);
  BigInt two(2);
  for (int64_t i = 0; i < n; ++i) {
    result = result * two;
  }
  return Value::number(Number(result));
}

}  // namespace

void register_numbers(Registry& r) {
  r.add("abs", {kNumber}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(Number n, arg_number("abs", a, 1));
    return Value::number(n < Number(0) ? -n : n);
  });
  r.add("round", {kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return rounding("round", a, [](double d) { return std::round(d); }); });
  r.add("ceil", {kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return rounding("ceil", a, [](double d) { return std::ceil(d); }); });
  r.add("floor", {kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return rounding("floor", a, [](double d) { return std::floor(d); }); });
  r.add("numbers.range", {kNumber, kNumber}, kArray, [](Args a, BuiltinContext& ctx) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(int64_t x, bits_operand("numbers.range", a, 1));
    DTS_ASSIGN_OR_RETURN(int64_t y, bits_operand("numbers.range", a, 2));
    return range("numbers.range", x, y, 1, ctx);
  });
  r.add("numbers.range_step", {kNumber, kNumber, kNumber}, kArray,
        [](Args a, BuiltinContext& ctx) -> Result<Value> {
          const char* fn = "numbers.range_step";
          DTS_ASSIGN_OR_RETURN(int64_t x, bits_operand(fn, a, 1));
          DTS_ASSIGN_OR_RETURN(int64_t y, bits_operand(fn, a, 2));
          DTS_ASSIGN_OR_RETURN(int64_t step, bits_operand(fn, a, 3));
          if (step <= 0) {
            return builtin_error(std::string(fn) + ": step must be a positive number above zero");
          }
          return range(fn, x, y, step, ctx);
        });
  add_bits(r, "bits.and", [](int64_t x, int64_t y) { return x & y; });
  add_bits(r, "bits.or", [](int64_t x, int64_t y) { return x | y; });
  add_bits(r, "bits.xor", [](int64_t x, int64_t y) { return x ^ y; });
  r.add("bits.negate", {kNumber}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(int64_t x, bits_operand("bits.negate", a, 1));
    return Value::number(~x);
  });
  r.add("bits.lsh", {kNumber, kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return shift("bits.lsh", a, true); });
  r.add("bits.rsh", {kNumber, kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return shift("bits.rsh", a, false); });

  BuiltinDecl intn;
  intn.name = "rand.intn";
  intn.args = {kString, kNumber};
  intn.result = kNumber;
  intn.nondeterministic = true;
  r.add(std::move(intn), [](Args a, BuiltinContext& ctx) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("rand.intn", a, 1));
    DTS_ASSIGN_OR_RETURN(int64_t n, bits_operand("rand.intn", a, 2));
    // Same (str, n) within one evaluation yields the same number, as in OPA.
    std::string key = "rand.intn:" + std::string(s) + ":" + std::to_string(n);
    if (auto hit = ctx.cache_get(key)) {
      return *hit;
    }
    if (n < 0) {
      n = -n;
    }
    int64_t v = 0;
    if (n != 0) {
      uint64_t raw = 0;
      if (RAND_bytes(reinterpret_cast<unsigned char*>(&raw), sizeof raw) != 1) {
        return builtin_error("rand.intn: no randomness available");
      }
      v = static_cast<int64_t>(raw % static_cast<uint64_t>(n));
    }
    ctx.cache_put(key, Value::number(v));
    return Value::number(v);
  });
}

}  // namespace dts::rego
