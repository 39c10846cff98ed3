#pragma once
// Rows: the owned result of one statement (RAII over PGresult, text format).
//
//   DTS_ASSIGN_OR_RETURN(pg::Rows rows, co_await conn.query(kSelectUser, {id}));
//   if (rows.empty()) return not_found("user");
//   std::string email{rows[0].get<std::string_view>("email")};
//   std::optional<int64_t> quota = rows[0].opt<int64_t>("quota");
//
// Supported value types: std::string_view (valid while the Rows lives), std::string,
// int64_t, int32_t, bool, double. `get` on NULL or on text that does not parse as the type,
// or a column name that does not exist, is a bug in the store (the SQL and the code
// disagree) and aborts with a message; `opt` maps NULL to nullopt.
// Immutable after construction: safe to read from several threads.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dts::pg {

class Row;

class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  int column_count() const { return PQnfields(result_.get()); }
  std::string_view column_name(int column) const { return PQfname(result_.get(), column); }
  // Index of the named column, or -1.
  int column(std::string_view name) const;
  // Rows touched by INSERT/UPDATE/DELETE/MERGE/SELECT/COPY ("UPDATE 3" -> 3); 0 otherwise.
  int64_t affected() const;
  // The command tag, e.g. "INSERT 0 1".
  std::string_view command() const { return PQcmdStatus(result_.get()); }

  Row operator[](int row) const;

  class Iterator;
  Iterator begin() const;
  Iterator end() const;

  const PGresult* native() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class Row {
 public:
  Row(const Rows* rows, int row) : rows_(rows), row_(row) {}

  bool is_null(int column) const;
  bool is_null(std::string_view column) const { return is_null(index(column)); }

  template <typename T>
  T get(int column) const;
  template <typename T>
  T get(std::string_view column) const {
    return get<T>(index(column));
  }
  template <typename T>
  std::optional<T> opt(int column) const {
    if (is_null(column)) {
      return std::nullopt;
    }
    return get<T>(column);
  }
  template <typename T>
  std::optional<T> opt(std::string_view column) const {
    return opt<T>(index(column));
  }

 private:
  int index(std::string_view column) const;
  std::string_view text(int column) const;

  const Rows* rows_;
  int row_;
};

template <>
std::string_view Row::get<std::string_view>(int column) const;
template <>
std::string Row::get<std::string>(int column) const;
template <>
int64_t Row::get<int64_t>(int column) const;
template <>
int32_t Row::get<int32_t>(int column) const;
template <>
bool Row::get<bool>(int column) const;
template <>
double Row::get<double>(int column) const;

class Rows::Iterator {
 public:
  Iterator(const Rows* rows, int row) : rows_(rows), row_(row) {}
  Row operator*() const { return Row(rows_, row_); }
  Iterator& operator++() {
    ++row_;
    return *this;
  }
  bool operator==(const Iterator& other) const { return row_ == other.row_; }

 private:
  const Rows* rows_;
  int row_;
};

inline Row Rows::operator[](int row) const { return Row(this, row); }
inline Rows::Iterator Rows::begin() const { return Iterator(this, 0); }
inline Rows::Iterator Rows::end() const { return Iterator(this, size()); }

}  // namespace dts::pg
