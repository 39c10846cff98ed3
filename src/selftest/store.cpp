#include "selftest/store.hpp"

#include "common/pg/co_try.hpp"

namespace dts::selftest {
namespace {

constexpr const char* kInsertProbe =
    "INSERT INTO selftest.probe (note) VALUES ($1) "
    "RETURNING id, note, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
constexpr const char* kSelectProbe =
    "SELECT id, note, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM selftest.probe WHERE id = $1";

Probe probe_from(const pg::Rows& rows) {
  Probe p;
  pg::Row row = rows[0];
  p.id = row.get<int64_t>(0);
  p.note = row.get<std::string>(1);
  p.created_at = row.get<std::string>(2);
  return p;
}

}  // namespace

boost::asio::awaitable<Result<Probe>> Store::create_probe(std::string note) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("insert_probe", kInsertProbe, note));
  co_return probe_from(rows);
}

boost::asio::awaitable<Result<Probe>> Store::get_probe(int64_t id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("select_probe", kSelectProbe, id));
  if (rows.empty()) co_return not_found("probe " + std::to_string(id) + " does not exist");
  co_return probe_from(rows);
}

}  // namespace dts::selftest
