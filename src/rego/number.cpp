#include "rego/number.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>

namespace dts::rego {
namespace {

constexpr double kExactIntLimit = 9007199254740992.0;  // 2^53

// Go's json encoding: 'f' format unless the exponent is very small or large, then 'e' with
// a trimmed exponent ("1e-07" -> "1e-7").
std::string format_double(double d) {
  char buf[64];
  double a = std::fabs(d);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
    std::string s(buf, res.ptr);
    auto e = s.find('e');
    if (e != std::string::npos && e + 2 < s.size() && s[e + 2] == '0') {
      s.erase(e + 2, 1);
    }
    return s;
  }
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

}  // namespace

Number::Number(const BigInt& v) {
  if (auto small = v.to_int64()) {
    rep_ = *small;
  } else {
    rep_ = std::make_shared<const BigInt>(v);
  }
}

Number Number::normalize(BigInt v) { return Number(v); }

Number Number::from_double(double v) {
  if (std::nearbyint(v) == v && std::fabs(v) < kExactIntLimit) {
    return Number(static_cast<int64_t>(v));
  }
  Number n;
  n.rep_ = v;
  return n;
}

std::optional<Number> Number::parse(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  bool integral = text.find_first_of(".eE") == std::string_view::npos;
  if (integral) {
    int64_t v = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec == std::errc() && res.ptr == text.data() + text.size()) {
      return Number(v);
    }
    if (auto big = BigInt::parse(text)) {
      return Number(*big);
    }
    return std::nullopt;
  }
  std::string copy(text);
  char* end = nullptr;
  double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  // Literals like 1e3 or 2.0 denote integers; keep them exact.
  if (std::nearbyint(d) == d && std::fabs(d) < kExactIntLimit) {
    return Number(static_cast<int64_t>(d));
  }
  Number n;
  n.rep_ = d;
  return n;
}

std::optional<int64_t> Number::as_int64() const {
  if (auto* i = std::get_if<int64_t>(&rep_)) {
    return *i;
  }
  if (auto* d = std::get_if<double>(&rep_)) {
    if (std::nearbyint(*d) == *d && std::fabs(*d) < 9.2e18) {
      return static_cast<int64_t>(*d);
    }
    return std::nullopt;
  }
  return std::get<std::shared_ptr<const BigInt>>(rep_)->to_int64();
}

std::optional<BigInt> Number::as_bigint() const {
  if (auto* i = std::get_if<int64_t>(&rep_)) {
    return BigInt(*i);
  }
  if (auto* d = std::get_if<double>(&rep_)) {
    if (std::nearbyint(*d) != *d) {
      return std::nullopt;
    }
    char buf[400];
    auto res = std::to_chars(buf, buf + sizeof(buf), *d, std::chars_format::fixed, 0);
    return BigInt::parse(std::string_view(buf, res.ptr - buf));
  }
  return *std::get<std::shared_ptr<const BigInt>>(rep_);
}

double Number::to_double() const {
  if (auto* i = std::get_if<int64_t>(&rep_)) {
    return static_cast<double>(*i);
  }
  if (auto* d = std::get_if<double>(&rep_)) {
    return *d;
  }
  return std::get<std::shared_ptr<const BigInt>>(rep_)->to_double();
}

std::string Number::to_string() const {
  if (auto* i = std::get_if<int64_t>(&rep_)) {
    return std::to_string(*i);
  }
  if (auto* d = std::get_if<double>(&rep_)) {
    return format_double(*d);
  }
  return std::get<std::shared_ptr<const BigInt>>(rep_)->to_string();
}

Number operator+(const Number& a, const Number& b) {
  if (a.is_small_int() && b.is_small_int()) {
    int64_t r;
    if (!__builtin_add_overflow(std::get<int64_t>(a.rep_), std::get<int64_t>(b.rep_), &r)) {
      return Number(r);
    }
  }
  if (a.is_int() && b.is_int()) {
    return Number(*a.as_bigint() + *b.as_bigint());
  }
  return Number::from_double(a.to_double() + b.to_double());
}

Number operator-(const Number& a, const Number& b) {
  if (a.is_small_int() && b.is_small_int()) {
    int64_t r;
    if (!__builtin_sub_overflow(std::get<int64_t>(a.rep_), std::get<int64_t>(b.rep_), &r)) {
      return Number(r);
    }
  }
  if (a.is_int() && b.is_int()) {
    return Number(*a.as_bigint() - *b.as_bigint());
  }
  return Number::from_double(a.to_double() - b.to_double());
}

Number operator*(const Number& a, const Number& b) {
  if (a.is_small_int() && b.is_small_int()) {
    int64_t r;
    if (!__builtin_mul_overflow(std::get<int64_t>(a.rep_), std::get<int64_t>(b.rep_), &r)) {
      return Number(r);
    }
  }
  if (a.is_int() && b.is_int()) {
    return Number(*a.as_bigint() * *b.as_bigint());
  }
  return Number::from_double(a.to_double() * b.to_double());
}

Number Number::operator-() const { return Number(0) - *this; }

Result<Number> Number::divide(const Number& a, const Number& b) {
  if (b.compare(Number(0)) == 0) {
    return invalid_argument("divide by zero");
  }
  if (a.is_int() && b.is_int()) {
    BigInt q;
    BigInt r;
    BigInt::div_mod(*a.as_bigint(), *b.as_bigint(), q, r);
    if (r.is_zero()) {
      return Number(q);
    }
  }
  return Number::from_double(a.to_double() / b.to_double());
}

Result<Number> Number::modulo(const Number& a, const Number& b) {
  if (!a.is_int() || !b.is_int()) {
    return invalid_argument("modulo on floating-point number");
  }
  if (b.compare(Number(0)) == 0) {
    return invalid_argument("modulo by zero");
  }
  if (a.is_small_int() && b.is_small_int()) {
    int64_t x = std::get<int64_t>(a.rep_);
    int64_t y = std::get<int64_t>(b.rep_);
    if (y == -1) {
      return Number(0);  // avoids INT64_MIN % -1 overflow
    }
    return Number(x % y);
  }
  BigInt q;
  BigInt r;
  BigInt::div_mod(*a.as_bigint(), *b.as_bigint(), q, r);
  return Number(r);
}

int Number::compare(const Number& other) const {
  if (is_small_int() && other.is_small_int()) {
    int64_t x = std::get<int64_t>(rep_);
    int64_t y = std::get<int64_t>(other.rep_);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (is_int() && other.is_int()) {
    auto c = *as_bigint() <=> *other.as_bigint();
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  // Mixed: an integral double compares exactly as an integer.
  if (auto x = as_bigint(), y = other.as_bigint(); x && y) {
    auto c = *x <=> *y;
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  double x = to_double();
  double y = other.to_double();
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::partial_ordering operator<=>(const Number& a, const Number& b) {
  int c = a.compare(b);
  return c < 0 ? std::partial_ordering::less
               : (c > 0 ? std::partial_ordering::greater : std::partial_ordering::equivalent);
}

bool operator==(const Number& a, const Number& b) { return a.compare(b) == 0; }

size_t Number::hash() const {
  // Equal numbers must hash equally across representations.
  if (auto i = as_int64()) {
    return std::hash<int64_t>()(*i);
  }
  if (is_int()) {
    return std::hash<std::string>()(to_string());
  }
  return std::hash<double>()(to_double());
}

}  // namespace dts::rego
