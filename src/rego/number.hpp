#pragma once
// Rego numbers: exact integers (int64 fast path, BigInt on overflow) and binary64 decimals.
//
// OPA keeps numbers arbitrary-precision; we keep integers exact at any size and use double
// for non-integral values (documented deviation: decimals are not arbitrary precision).
// Equality and ordering are numeric across representations (1 == 1.0).

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.hpp"
#include "rego/bigint.hpp"

namespace dts::rego {

class Number {
 public:
  Number() : rep_(int64_t{0}) {}
  Number(int64_t v) : rep_(v) {}  // NOLINT: implicit, numbers are built from ints everywhere
  explicit Number(const BigInt& v);
  // Integral doubles within the exact range become integers so 3.0 prints as 3 (as OPA does
  // for arithmetic results).
  static Number from_double(double v);
  // Parses a JSON/Rego number literal ("12", "-3.5e2", huge integers). nullopt if malformed.
  static std::optional<Number> parse(std::string_view text);

  bool is_int() const { return !std::holds_alternative<double>(rep_); }
  bool is_small_int() const { return std::holds_alternative<int64_t>(rep_); }
  // The value as int64 if it is an integer that fits (also integral doubles).
  std::optional<int64_t> as_int64() const;
  // The value as an exact integer if it is integral (also integral doubles).
  std::optional<BigInt> as_bigint() const;
  double to_double() const;
  // Formatted like Go's encoding/json (OPA's output): 3, -0.5, 1e+21, 1e-7.
  std::string to_string() const;

  // Arithmetic with OPA's semantics. Integer ops stay exact; mixed ops use double.
  friend Number operator+(const Number& a, const Number& b);
  friend Number operator-(const Number& a, const Number& b);
  friend Number operator*(const Number& a, const Number& b);
  Number operator-() const;
  // Errors: "divide by zero" (b == 0).
  static Result<Number> divide(const Number& a, const Number& b);
  // Errors: "modulo by zero", "modulo on floating-point number".
  static Result<Number> modulo(const Number& a, const Number& b);

  friend std::partial_ordering operator<=>(const Number& a, const Number& b);
  friend bool operator==(const Number& a, const Number& b);
  // Total order used for sorting: NaN never occurs in Rego values.
  int compare(const Number& other) const;
  size_t hash() const;

 private:
  using Rep = std::variant<int64_t, std::shared_ptr<const BigInt>, double>;
  static Number normalize(BigInt v);
  Rep rep_;
};

}  // namespace dts::rego
