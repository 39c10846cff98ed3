#include "rego/bigint.hpp"

#include <algorithm>
#include <cmath>

namespace dts::rego {

BigInt::BigInt(int64_t v) {
  negative_ = v < 0;
  // Negating INT64_MIN overflows; go through uint64 arithmetic instead.
  uint64_t mag = negative_ ? (~static_cast<uint64_t>(v) + 1) : static_cast<uint64_t>(v);
  while (mag != 0) {
    limbs_.push_back(static_cast<uint32_t>(mag));
    mag >>= 32;
  }
}

std::optional<BigInt> BigInt::parse(std::string_view text) {
  BigInt out;
  bool neg = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    // out = out * 10 + digit, limb by limb.
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (auto& limb : out.limbs_) {
      uint64_t cur = static_cast<uint64_t>(limb) * 10 + carry;
      limb = static_cast<uint32_t>(cur);
      carry = cur >> 32;
    }
    if (carry != 0) {
      out.limbs_.push_back(static_cast<uint32_t>(carry));
    }
  }
  trim(out.limbs_);
  out.negative_ = neg && !out.limbs_.empty();
  return out;
}

std::optional<int64_t> BigInt::to_int64() const {
  if (limbs_.size() > 2) {
    return std::nullopt;
  }
  uint64_t mag = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    mag = (mag << 32) | limbs_[i];
  }
  if (negative_) {
    if (mag > static_cast<uint64_t>(INT64_MAX) + 1) {
      return std::nullopt;
    }
    return static_cast<int64_t>(~mag + 1);
  }
  if (mag > static_cast<uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(mag);
}

double BigInt::to_double() const {
  // Decimal round trip gives a correctly rounded result via strtod.
  return std::strtod(to_string().c_str(), nullptr);
}

std::string BigInt::to_string() const {
  if (limbs_.empty()) {
    return "0";
  }
  Limbs mag = limbs_;
  std::string digits;
  // Repeatedly divide by 10^9 and collect 9-digit chunks.
  while (!mag.empty()) {
    uint64_t rem = 0;
    for (size_t i = mag.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | mag[i];
      mag[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    trim(mag);
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (mag.empty() && rem == 0) {
        break;
      }
    }
  }
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  if (negative_) {
    digits.push_back('-');
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

BigInt BigInt::operator-() const {
  BigInt out = *this;
  out.negative_ = !out.limbs_.empty() && !negative_;
  return out;
}

int BigInt::compare_magnitude(const Limbs& a, const Limbs& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

BigInt::Limbs BigInt::add_magnitude(const Limbs& a, const Limbs& b) {
  Limbs out;
  out.resize(std::max(a.size(), b.size()) + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t cur = carry;
    if (i < a.size()) cur += a[i];
    if (i < b.size()) cur += b[i];
    out[i] = static_cast<uint32_t>(cur);
    carry = cur >> 32;
  }
  trim(out);
  return out;
}

BigInt::Limbs BigInt::sub_magnitude(const Limbs& a, const Limbs& b) {
  Limbs out(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t cur = static_cast<int64_t>(a[i]) - borrow - (i < b.size() ? b[i] : 0);
    borrow = cur < 0 ? 1 : 0;
    if (cur < 0) cur += (int64_t{1} << 32);
    out[i] = static_cast<uint32_t>(cur);
  }
  trim(out);
  return out;
}

void BigInt::trim(Limbs& limbs) {
  while (!limbs.empty() && limbs.back() == 0) {
    limbs.pop_back();
  }
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.negative_ == b.negative_) {
    out.limbs_ = BigInt::add_magnitude(a.limbs_, b.limbs_);
    out.negative_ = a.negative_;
  } else if (BigInt::compare_magnitude(a.limbs_, b.limbs_) >= 0) {
    out.limbs_ = BigInt::sub_magnitude(a.limbs_, b.limbs_);
    out.negative_ = a.negative_;
  } else {
    out.limbs_ = BigInt::sub_magnitude(b.limbs_, a.limbs_);
    out.negative_ = b.negative_;
  }
  if (out.limbs_.empty()) out.negative_ = false;
  return out;
}

BigInt operator-(const BigInt& a, const BigInt& b) { return a + (-b); }

BigInt operator*(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.is_zero() || b.is_zero()) {
    return out;
  }
  out.limbs_.assign(a.limbs_.size() + b.limbs_.size(), 0);
  for (size_t i = 0; i < a.limbs_.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.limbs_.size(); ++j) {
      uint64_t cur = static_cast<uint64_t>(a.limbs_[i]) * b.limbs_[j] + out.limbs_[i + j] + carry;
      out.limbs_[i + j] = static_cast<uint32_t>(cur);
      carry = cur >> 32;
    }
    size_t k = i + b.limbs_.size();
    while (carry != 0) {
      uint64_t cur = static_cast<uint64_t>(out.limbs_[k]) + carry;
      out.limbs_[k] = static_cast<uint32_t>(cur);
      carry = cur >> 32;
      ++k;
    }
  }
  BigInt::trim(out.limbs_);
  out.negative_ = a.negative_ != b.negative_;
  return out;
}

void BigInt::div_mod(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder) {
  // Bitwise long division: O(n^2) in bits but the values here are a few hundred bits at most.
  BigInt q;
  BigInt r;
  size_t bits = a.limbs_.size() * 32;
  q.limbs_.assign(a.limbs_.size(), 0);
  for (size_t i = bits; i-- > 0;) {
    // r = r * 2 + bit i of |a|
    uint32_t carry = (a.limbs_[i / 32] >> (i % 32)) & 1u;
    for (auto& limb : r.limbs_) {
      uint32_t next = limb >> 31;
      limb = (limb << 1) | carry;
      carry = next;
    }
    if (carry != 0) r.limbs_.push_back(carry);
    if (compare_magnitude(r.limbs_, b.limbs_) >= 0) {
      r.limbs_ = sub_magnitude(r.limbs_, b.limbs_);
      q.limbs_[i / 32] |= (1u << (i % 32));
    }
  }
  trim(q.limbs_);
  q.negative_ = !q.limbs_.empty() && (a.negative_ != b.negative_);
  r.negative_ = !r.limbs_.empty() && a.negative_;
  quotient = std::move(q);
  remainder = std::move(r);
}

std::strong_ordering operator<=>(const BigInt& a, const BigInt& b) {
  if (a.negative_ != b.negative_) {
    return a.negative_ ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  int c = BigInt::compare_magnitude(a.limbs_, b.limbs_);
  if (a.negative_) c = -c;
  return c < 0 ? std::strong_ordering::less
               : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

}  // namespace dts::rego
