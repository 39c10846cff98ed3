#pragma once
// Param: one query parameter in libpq's text format, or SQL NULL.
//
//   co_await conn.query("INSERT INTO t(a, b, c) VALUES ($1, $2, $3)", "text", 42, std::nullopt);
//
// Numbers are rendered with std::to_chars (locale-independent, round-trip exact for
// double); bool renders as "t"/"f". Values are always sent as parameters, never spliced
// into SQL, so there is no quoting to get wrong.

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dts::pg {

class Param {
 public:
  Param(std::nullopt_t) {}                                               // NOLINT: NULL
  Param(std::string value) : value_(std::move(value)) {}                 // NOLINT
  Param(std::string_view value) : value_(std::string(value)) {}          // NOLINT
  Param(const char* value) : value_(std::string(value)) {}               // NOLINT
  Param(std::optional<std::string> value) : value_(std::move(value)) {}  // NOLINT
  Param(bool value) : value_(value ? "t" : "f") {}  // NOLINT
  // Any integer type (int, int64_t, size_t...), so counts and ids need no casts.
  template <typename T>
    requires(std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>)
  Param(T value) : value_(number(value)) {}  // NOLINT
  Param(double value) : value_(number(value)) {}  // NOLINT

  bool is_null() const { return !value_.has_value(); }
  const char* c_str() const { return value_ ? value_->c_str() : nullptr; }
  const std::optional<std::string>& value() const { return value_; }

 private:
  template <typename T>
  static std::string number(T value) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
  }

  std::optional<std::string> value_;
};

using Params = std::vector<Param>;

}  // namespace dts::pg
