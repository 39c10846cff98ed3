#include "rego/builtins/tz.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace dts::rego::tz {

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  // Normalise the month first so callers may pass overflowing months (Go's AddDate).
  y += (m - 1) >= 0 ? (m - 1) / 12 : -((12 - m) / 12);
  m = ((m - 1) % 12 + 12) % 12 + 1;
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + 1 - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (d - 1);
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Civil to_civil(int64_t unix_seconds, int64_t nanos, const Zone& zone) {
  Civil c;
  c.offset = zone.at(unix_seconds);
  int64_t local = unix_seconds + c.offset.utoff;
  int64_t days = floor_div(local, 86400);
  int64_t secs = local - days * 86400;
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = secs / 3600;
  c.minute = secs / 60 % 60;
  c.second = secs % 60;
  c.nanos = nanos;
  c.weekday = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday
  c.yday = days - days_from_civil(c.year, 1, 1) + 1;
  return c;
}

// POSIX TZ string rule (TZif footer), e.g. "EST5EDT,M3.2.0,M11.1.0" or "<+03>-3".
struct Zone::Rule {
  Offset std_off, dst_off;
  bool has_dst = false;
  struct When {
    char kind = 'M';  // 'M' month.week.day, 'J' julian 1-365, 'D' zero-based day
    int month = 0, week = 0, wday = 0, day = 0;
    int32_t time = 7200;
  } start, end;

  static std::optional<Rule> parse(std::string_view s) {
    Rule r;
    size_t i = 0;
    if (!name(s, i, r.std_off.abbr) || !offset(s, i, r.std_off.utoff)) {
      return std::nullopt;
    }
    r.std_off.utoff = -r.std_off.utoff;  // POSIX offsets are west-positive
    if (i == s.size()) {
      return r;
    }
    if (!name(s, i, r.dst_off.abbr)) {
      return std::nullopt;
    }
    r.has_dst = true;
    r.dst_off.utoff = r.std_off.utoff + 3600;
    if (i < s.size() && s[i] != ',') {
      int32_t o = 0;
      if (!offset(s, i, o)) {
        return std::nullopt;
      }
      r.dst_off.utoff = -o;
    }
    if (i >= s.size() || s[i] != ',' || !when(s, ++i, r.start) || i >= s.size() || s[i] != ',' ||
        !when(s, ++i, r.end)) {
      return std::nullopt;
    }
    return r;
  }

  static bool name(std::string_view s, size_t& i, std::string& out) {
    if (i < s.size() && s[i] == '<') {
      size_t close = s.find('>', i);
      if (close == std::string_view::npos) return false;
      out = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
      return true;
    }
    size_t b = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    out = std::string(s.substr(b, i - b));
    return i - b >= 3;
  }

  static bool number(std::string_view s, size_t& i, int& out) {
    size_t b = i;
    out = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      out = out * 10 + (s[i++] - '0');
    return i > b;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  static bool offset(std::string_view s, size_t& i, int32_t& out) {
    int sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    int h = 0, m = 0, sec = 0;
    if (!number(s, i, h)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!number(s, i, m)) return false;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!number(s, i, sec)) return false;
      }
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  static bool when(std::string_view s, size_t& i, When& w) {
    if (i < s.size() && s[i] == 'M') {
      ++i;
      w.kind = 'M';
      if (!number(s, i, w.month) || i >= s.size() || s[i++] != '.' || !number(s, i, w.week) ||
          i >= s.size() || s[i++] != '.' || !number(s, i, w.wday)) {
        return false;
      }
    } else {
      w.kind = 'D';
      if (i < s.size() && s[i] == 'J') {
        w.kind = 'J';
        ++i;
      }
      if (!number(s, i, w.day)) return false;
    }
    if (i < s.size() && s[i] == '/') {
      ++i;
      return offset(s, i, w.time);
    }
    return true;
  }

  // Local seconds since the epoch (in the offset in effect before the change).
  static int64_t transition(int64_t year, const When& w) {
    int64_t day = 0;
    if (w.kind == 'M') {
      int64_t first = days_from_civil(year, w.month, 1);
      int64_t first_wday = ((first % 7) + 11) % 7;
      int64_t d = (w.wday - first_wday + 7) % 7 + (w.week - 1) * 7;
      int64_t mdays = days_from_civil(year, w.month + 1, 1) - first;
      while (d >= mdays) d -= 7;
      day = first + d;
    } else if (w.kind == 'J') {
      day = days_from_civil(year, 1, 1) + w.day - 1 + (is_leap(year) && w.day >= 60 ? 1 : 0);
    } else {
      day = days_from_civil(year, 1, 1) + w.day;
    }
    return day * 86400 + w.time;
  }

  Offset at(int64_t t) const {
    if (!has_dst) return std_off;
    int64_t y = 0, m = 0, d = 0;
    civil_from_days(floor_div(t + std_off.utoff, 86400), y, m, d);
    int64_t start_utc = transition(y, start) - std_off.utoff;
    int64_t end_utc = transition(y, end) - dst_off.utoff;
    bool dst =
        start_utc < end_utc ? (t >= start_utc && t < end_utc) : !(t >= end_utc && t < start_utc);
    return dst ? dst_off : std_off;
  }
};

std::optional<Offset> Zone::footer_at(int64_t t) const {
  if (!footer_) return std::nullopt;
  return footer_->at(t);
}

Offset Zone::at(int64_t t) const {
  if (types_.empty()) {
    return {0, "UTC"};
  }
  if (times_.empty() || t < times_.front()) {
    if (times_.empty() && footer_) {
      return *footer_at(t);
    }
    // Before the first transition: the first standard-time type (RFC 8536 §3.2).
    for (const auto& ty : types_) {
      if (!ty.isdst) return {ty.utoff, ty.abbr};
    }
    return {types_[0].utoff, types_[0].abbr};
  }
  if (t >= times_.back() && footer_) {
    return *footer_at(t);
  }
  auto it = std::upper_bound(times_.begin(), times_.end(), t);
  const Type& ty = types_[idx_[static_cast<size_t>(it - times_.begin() - 1)]];
  return {ty.utoff, ty.abbr};
}

std::shared_ptr<const Zone> Zone::utc() {
  static const auto zone = [] {
    auto z = std::make_shared<Zone>();
    z->name_ = "UTC";
    z->types_.push_back({0, false, "UTC"});
    return z;
  }();
  return zone;
}

std::shared_ptr<const Zone> Zone::parse(std::string name, std::string_view data) {
  auto be = [&](size_t at, int bytes) -> int64_t {
    uint64_t v = 0;
    for (int k = 0; k < bytes; ++k)
      v = (v << 8) | static_cast<uint8_t>(data[at + static_cast<size_t>(k)]);
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  };
  if (data.size() < 44 || data.substr(0, 4) != "TZif") return nullptr;
  char version = data[4];
  size_t pos = 0;
  int tsize = 4;
  for (int pass = 0; pass < 2; ++pass) {
    if (pos + 44 > data.size()) return nullptr;
    auto cnt = [&](int k) {
      return static_cast<size_t>(be(pos + 20 + static_cast<size_t>(k) * 4, 4));
    };
    size_t isutc = cnt(0), isstd = cnt(1), leap = cnt(2), timecnt = cnt(3), typecnt = cnt(4),
           charcnt = cnt(5);
    size_t body = timecnt * static_cast<size_t>(tsize) + timecnt + typecnt * 6 + charcnt +
                  leap * static_cast<size_t>(tsize + 4) + isstd + isutc;
    if (pos + 44 + body > data.size()) return nullptr;
    if (pass == 0 && version >= '2') {
      pos += 44 + body;  // skip the 32-bit block
      tsize = 8;
      continue;
    }
    auto z = std::make_shared<Zone>();
    z->name_ = std::move(name);
    size_t p = pos + 44;
    for (size_t k = 0; k < timecnt; ++k, p += static_cast<size_t>(tsize))
      z->times_.push_back(be(p, tsize));
    for (size_t k = 0; k < timecnt; ++k, ++p) {
      auto ix = static_cast<uint8_t>(data[p]);
      if (ix >= typecnt) return nullptr;
      z->idx_.push_back(ix);
    }
    size_t types_at = p;
    size_t chars_at = types_at + typecnt * 6;
    for (size_t k = 0; k < typecnt; ++k) {
      size_t t = types_at + k * 6;
      auto ai = static_cast<uint8_t>(data[t + 5]);
      std::string abbr;
      for (size_t c = chars_at + ai; c < chars_at + charcnt && data[c] != '\0'; ++c)
        abbr.push_back(data[c]);
      z->types_.push_back({static_cast<int32_t>(be(t, 4)), data[t + 4] != 0, abbr});
    }
    if (version >= '2') {
      size_t foot = pos + 44 + body;
      if (foot < data.size() && data[foot] == '\n') {
        size_t end = data.find('\n', foot + 1);
        if (end != std::string_view::npos && end > foot + 1) {
          if (auto rule = Rule::parse(data.substr(foot + 1, end - foot - 1))) {
            z->footer_ = std::make_shared<const Rule>(*rule);
          }
        }
      }
    }
    return z;
  }
  return nullptr;
}

std::shared_ptr<const Zone> load_zone(std::string_view name) {
  if (name.empty() || name == "UTC" || name == "Local") {
    return Zone::utc();
  }
  if (name.front() == '/' || name.find("..") != std::string_view::npos || name.size() > 128) {
    return nullptr;
  }
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(name); it != cache.end()) {
    return it->second;
  }
  std::ifstream in("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
  std::shared_ptr<const Zone> zone;
  if (in) {
    std::stringstream buf;
    buf << in.rdbuf();
    zone = Zone::parse(std::string(name), buf.str());
  }
  if (cache.size() < 1024) {
    cache.emplace(std::string(name), zone);  // negative results cached too
  }
  return zone;
}

}  // namespace dts::rego::tz
