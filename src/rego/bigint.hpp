#pragma once
// Arbitrary-precision signed integers for Rego numbers that overflow int64.
//
// OPA keeps integers exact at any size; this is the slow path behind Number's int64 fast
// path. Magnitude is little-endian base 2^32 limbs without leading zeros; zero has no limbs
// and is never negative. Immutable value type; cheap enough for the rare big values.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dts::rego {

class BigInt {
 public:
  BigInt() = default;
  explicit BigInt(int64_t v);

  // Parses an optional '-' followed by decimal digits; nullopt on anything else.
  static std::optional<BigInt> parse(std::string_view text);

  bool is_zero() const { return limbs_.empty(); }
  bool negative() const { return negative_; }
  std::optional<int64_t> to_int64() const;
  double to_double() const;
  std::string to_string() const;

  BigInt operator-() const;
  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  // Truncating division and remainder (like C++ and Go's big.Int.Quo/Rem). b must be non-zero.
  static void div_mod(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder);

  friend std::strong_ordering operator<=>(const BigInt& a, const BigInt& b);
  friend bool operator==(const BigInt& a, const BigInt& b) = default;

 private:
  using Limbs = std::vector<uint32_t>;
  static int compare_magnitude(const Limbs& a, const Limbs& b);
  static Limbs add_magnitude(const Limbs& a, const Limbs& b);
  static Limbs sub_magnitude(const Limbs& a, const Limbs& b);  // requires |a| >= |b|
  static void trim(Limbs& limbs);

  bool negative_ = false;
  Limbs limbs_;
};

}  // namespace dts::rego
