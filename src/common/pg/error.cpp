#include "common/pg/error.hpp"

#include <algorithm>
#include <cstdlib>

namespace dts::pg {
namespace {

constexpr std::string_view kSqlstateTag = "(SQLSTATE ";
constexpr std::string_view kConstraintTag = ", constraint ";

std::string_view field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string_view{} : std::string_view{value};
}

// libpq messages end in a newline; our messages are single-line.
std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

}  // namespace

Code code_for_sqlstate(std::string_view s) {
  if (s.size() != 5) {
    return Code::kInternal;
  }
  if (s == "23505") {
    return Code::kAlreadyExists;
  }
  if (s == "23P01" || retryable(s)) {
    return Code::kConflict;
  }
  if (s == "23503" || s == "P0001" || s.starts_with("25")) {
    return Code::kFailedPrecondition;
  }
  if (s == "42501") {
    return Code::kPermissionDenied;
  }
  if (s.starts_with("22") || s.starts_with("23") || s.starts_with("42")) {
    return Code::kInvalidArgument;
  }
  if (s == "57014") {
    return Code::kDeadlineExceeded;
  }
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300") {
    return Code::kUnavailable;
  }
  if (s.starts_with("53")) {
    return Code::kResourceExhausted;
  }
  if (s == "0A000") {
    return Code::kUnimplemented;
  }
  return Code::kInternal;
}

bool retryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

std::optional<std::string_view> sqlstate_of(const Error& error) {
  std::string_view message = error.message();
  std::size_t at = message.rfind(kSqlstateTag);
  if (at == std::string_view::npos || at + kSqlstateTag.size() + 5 > message.size()) {
    return std::nullopt;
  }
  return message.substr(at + kSqlstateTag.size(), 5);
}

bool retryable(const Error& error) {
  auto state = sqlstate_of(error);
  return state.has_value() && retryable(*state);
}

std::optional<std::string_view> constraint_of(const Error& error) {
  std::string_view message = error.message();
  std::size_t at = message.rfind(kConstraintTag);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = message.substr(at + kConstraintTag.size());
  std::size_t end = rest.find(')');
  return end == std::string_view::npos ? rest : rest.substr(0, end);
}

Error error_from_result(const PGresult* result) {
  std::string_view state = field(result, PG_DIAG_SQLSTATE);
  std::string_view primary = field(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary.empty() ? trimmed(PQresultErrorMessage(result)) : trimmed(primary);
  if (message.empty()) {
    message = "database error";
  }
  if (!state.empty()) {
    message += " ";
    message += kSqlstateTag;
    message += state;
    std::string_view constraint = field(result, PG_DIAG_CONSTRAINT_NAME);
    if (!constraint.empty()) {
      message += kConstraintTag;
      message += constraint;
    }
    message += ")";
  }
  Code code = state.empty() ? Code::kUnavailable : code_for_sqlstate(state);
  return Error(code, std::move(message));
}

std::string describe_verbose(const PGresult* result, std::string_view sql) {
  std::string out = error_from_result(result).message();
  std::string_view position = field(result, PG_DIAG_STATEMENT_POSITION);
  if (!position.empty()) {
    // The position counts characters from 1; a line number is what an author can use.
    std::size_t offset =
        std::min<std::size_t>(std::strtoul(position.data(), nullptr, 10), sql.size());
    std::size_t line = 1 + std::count(sql.begin(), sql.begin() + offset, '\n');
    out += " at line " + std::to_string(line);
  }
  if (auto detail = field(result, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
    out += "; detail: " + trimmed(detail);
  }
  if (auto hint = field(result, PG_DIAG_MESSAGE_HINT); !hint.empty()) {
    out += "; hint: " + trimmed(hint);
  }
  return out;
}

Error connection_error(std::string_view what, const PGconn* conn) {
  std::string message(what);
  if (conn != nullptr) {
    std::string detail = trimmed(PQerrorMessage(conn));
    if (!detail.empty()) {
      message += ": " + detail;
    }
  }
  return unavailable(std::move(message));
}

}  // namespace dts::pg
