#pragma once
// Time zones from the system's TZif files (/usr/share/zoneinfo) and proleptic Gregorian
// calendar arithmetic, for the time.* builtins. No process-global TZ state is touched.
//
// Thread-safety: load_zone() caches immutable Zone objects behind a mutex; Zones are
// shared read-only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dts::rego::tz {

struct Offset {
  int32_t utoff = 0;  // seconds east of UTC
  std::string abbr;
};

class Zone {
 public:
  // Offset in effect at the UTC instant `unix_seconds`.
  Offset at(int64_t unix_seconds) const;
  const std::string& name() const { return name_; }

  static std::shared_ptr<const Zone> utc();
  // Parses TZif data (v1 or v2+ with footer). nullptr when malformed.
  static std::shared_ptr<const Zone> parse(std::string name, std::string_view data);

 private:
  struct Type {
    int32_t utoff;
    bool isdst;
    std::string abbr;
  };
  struct Rule;  // POSIX TZ footer rule
  std::optional<Offset> footer_at(int64_t t) const;

  std::string name_;
  std::vector<int64_t> times_;
  std::vector<uint8_t> idx_;
  std::vector<Type> types_;
  std::shared_ptr<const Rule> footer_;
};

// "" and "UTC" give UTC; "Local" is treated as UTC (evaluations must not depend on the
// host). nullptr for unknown or unsafe names.
std::shared_ptr<const Zone> load_zone(std::string_view name);

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12, any day value).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d);
void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d);

// A broken-down local time.
struct Civil {
  int64_t year = 1970;
  int64_t month = 1;  // 1-12
  int64_t day = 1;
  int64_t hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int64_t weekday = 4;  // 0 = Sunday
  int64_t yday = 1;     // 1-366
  Offset offset;
};

// The local time of instant (unix seconds + nanos) in zone.
Civil to_civil(int64_t unix_seconds, int64_t nanos, const Zone& zone);

}  // namespace dts::rego::tz
