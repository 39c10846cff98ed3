#include "common/pg/rows.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace dts::pg {
namespace {

[[noreturn]] void misuse(const std::string& what) {
  // A mismatch between the SQL and the code reading it: a broken invariant (design §4.4).
  std::fprintf(stderr, "dts::pg::Rows misuse: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T parse_number(std::string_view text, int column) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    misuse("column " + std::to_string(column) + " value '" + std::string(text) +
           "' is not a number of the requested type");
  }
  return value;
}

}  // namespace

int Rows::column(std::string_view name) const {
  for (int i = 0; i < column_count(); ++i) {
    if (column_name(i) == name) {
      return i;
    }
  }
  return -1;
}

int64_t Rows::affected() const {
  std::string_view tuples = PQcmdTuples(result_.get());
  if (tuples.empty()) {
    return 0;
  }
  int64_t value = 0;
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), value);
  return value;
}

int Row::index(std::string_view column) const {
  int i = rows_->column(column);
  if (i < 0) {
    misuse("no column named '" + std::string(column) + "'");
  }
  return i;
}

bool Row::is_null(int column) const {
  if (row_ < 0 || row_ >= rows_->size() || column < 0 || column >= rows_->column_count()) {
    misuse("cell (" + std::to_string(row_) + "," + std::to_string(column) + ") out of range");
  }
  return PQgetisnull(rows_->native(), row_, column) != 0;
}

std::string_view Row::text(int column) const {
  if (is_null(column)) {
    misuse("column '" + std::string(rows_->column_name(column)) +
           "' is NULL; read it with opt<T>()");
  }
  const PGresult* r = rows_->native();
  return {PQgetvalue(r, row_, column), static_cast<std::size_t>(PQgetlength(r, row_, column))};
}

template <>
std::string_view Row::get<std::string_view>(int column) const {
  return text(column);
}

template <>
std::string Row::get<std::string>(int column) const {
  return std::string(text(column));
}

template <>
int64_t Row::get<int64_t>(int column) const {
  return parse_number<int64_t>(text(column), column);
}

template <>
int32_t Row::get<int32_t>(int column) const {
  return parse_number<int32_t>(text(column), column);
}

template <>
bool Row::get<bool>(int column) const {
  std::string_view value = text(column);
  if (value == "t") {
    return true;
  }
  if (value == "f") {
    return false;
  }
  misuse("column '" + std::string(rows_->column_name(column)) + "' is not a boolean");
}

template <>
double Row::get<double>(int column) const {
  std::string_view value = text(column);
  // from_chars does not know PostgreSQL's spellings of the special values.
  if (value == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (value == "Infinity") {
    return std::numeric_limits<double>::infinity();
  }
  if (value == "-Infinity") {
    return -std::numeric_limits<double>::infinity();
  }
  return parse_number<double>(value, column);
}

}  // namespace dts::pg
