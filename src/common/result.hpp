#pragma once
// The one error model of the platform (design.md §4.4): expected failures are values.
//
// `Error` carries a canonical code (like absl::Status) and a human message; `Result<T>`
// holds either a T or an Error. Exactly one table maps codes to HTTP statuses:
// `http_status(Code)` in common/problem.hpp, used only at the handler edge.

#include <cassert>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dts {

enum class Code {
  kOk,
  kInvalidArgument,     // malformed or semantically wrong input (400)
  kUnauthenticated,     // no or bad credentials (401)
  kPermissionDenied,    // authenticated but not allowed (403)
  kNotFound,            // (404)
  kAlreadyExists,       // create of something that exists (409)
  kConflict,            // state conflict, e.g. idempotency key reuse (409)
  kFailedPrecondition,  // system not in the state the call needs (412/409)
  kPayloadTooLarge,     // (413)
  kUnprocessable,       // well-formed but unacceptable (422)
  kResourceExhausted,   // rate limits, quotas (429)
  kCancelled,           // the caller went away (499)
  kInternal,            // broken invariant reported as a value (500)
  kUnimplemented,       // (501)
  kUnavailable,         // dependency down, retry later (503)
  kDeadlineExceeded,    // (504)
};

std::string_view code_name(Code code);

class Error {
 public:
  Error(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Code code_;
  std::string message_;
};

// Result<T>: a T or an Error. Accessing the wrong side is a broken invariant (aborts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}        // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    if (ok()) std::abort();
    return std::get<1>(v_);
  }
  Error&& error() && {
    if (ok()) std::abort();
    return std::get<1>(std::move(v_));
  }
  T value_or(T other) const& { return ok() ? std::get<0>(v_) : std::move(other); }

 private:
  void check() const {
    if (!ok()) std::abort();
  }
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) std::abort();
    return error_;
  }

 private:
  Error error_{Code::kOk, {}};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

// Convenience constructors: `return invalid_argument("name is empty");`
inline Error invalid_argument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Error not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Error already_exists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Error conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
inline Error permission_denied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Error unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Error failed_precondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Error resource_exhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
inline Error unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Error deadline_exceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
inline Error internal_error(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Error unimplemented(std::string m) { return {Code::kUnimplemented, std::move(m)}; }

}  // namespace dts

// DTS_TRY(x): evaluate a Result/Status expression, return its error from the enclosing
// function if it failed. DTS_ASSIGN_OR_RETURN(lhs, expr) binds the value.
#define DTS_CONCAT_INNER(a, b) a##b
#define DTS_CONCAT(a, b) DTS_CONCAT_INNER(a, b)
#define DTS_TRY(expr)                                   \
  do {                                                  \
    auto&& dts_try_result_ = (expr);                    \
    if (!dts_try_result_.ok()) return dts_try_result_.error(); \
  } while (false)
#define DTS_ASSIGN_OR_RETURN(lhs, expr)                                   \
  auto DTS_CONCAT(dts_r_, __LINE__) = (expr);                             \
  if (!DTS_CONCAT(dts_r_, __LINE__).ok()) return std::move(DTS_CONCAT(dts_r_, __LINE__)).error(); \
  lhs = std::move(DTS_CONCAT(dts_r_, __LINE__)).value()
