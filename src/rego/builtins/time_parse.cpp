// Go layout parsing (time.parse_ns, time.parse_rfc3339_ns), following time.Parse.
#include <limits>

#include "rego/builtins/time_chunk.hpp"
#include "rego/builtins/time_layout.hpp"

namespace dts::rego::tz {
namespace {

using namespace detail;  // NOLINT: the token vocabulary of this file

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Go's getnum / getnum3: one or two (three) digits; `fixed` demands all of them.
bool getnum(std::string_view& s, bool fixed, int64_t& out, int max_digits = 2) {
  if (!is_digit_at(s, 0)) return false;
  out = 0;
  int n = 0;
  while (n < max_digits && is_digit_at(s, static_cast<size_t>(n))) {
    out = out * 10 + (s[static_cast<size_t>(n)] - '0');
    ++n;
  }
  if (fixed && n != max_digits) return false;
  s.remove_prefix(static_cast<size_t>(n));
  return true;
}

bool parse_nanos(std::string_view value, size_t nbytes, int64_t& ns) {
  if (value.empty() || (value[0] != '.' && value[0] != ',')) return false;
  nbytes = std::min<size_t>(nbytes, 10);
  ns = 0;
  size_t i = 1;
  for (; i < nbytes; ++i) {
    if (!is_digit_at(value, i)) return false;
    ns = ns * 10 + (value[i] - '0');
  }
  for (; i < 10; ++i) ns *= 10;
  return true;
}

bool lookup_name(std::string_view& v, bool months, bool long_form, int64_t& out) {
  for (size_t k = 0; k < (months ? 12u : 7u); ++k) {
    std::string_view name = months ? kLongMonths[k] : kLongDays[k];
    if (!long_form) name = name.substr(0, 3);
    if (v.size() >= name.size()) {
      bool eq = true;
      for (size_t c = 0; c < name.size(); ++c) {
        if (std::tolower(static_cast<unsigned char>(v[c])) !=
            std::tolower(static_cast<unsigned char>(name[c]))) {
          eq = false;
          break;
        }
      }
      if (eq) {
        out = static_cast<int64_t>(k) + (months ? 1 : 0);
        v.remove_prefix(name.size());
        return true;
      }
    }
  }
  return false;
}

int64_t days_in(int64_t month, int64_t year) {
  return days_from_civil(year, month + 1, 1) - days_from_civil(year, month, 1);
}

}  // namespace

Result<int64_t> parse_layout(std::string_view layout, std::string_view value) {
  const std::string alayout(layout);
  const std::string avalue(value);
  auto cannot = [&](std::string_view elem_value, std::string_view elem_layout) {
    return invalid_argument("parsing time " + quote(avalue) + " as " + quote(alayout) +
                            ": cannot parse " + quote(elem_value) + " as " + quote(elem_layout));
  };
  auto message = [&](const std::string& msg) {
    return invalid_argument("parsing time " + quote(avalue) + msg);
  };
  int64_t year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  int64_t ignored = 0;
  bool pm = false, am = false, utc_set = false;
  int64_t zone_offset = 0;
  bool zone_offset_set = false;
  bool zone_name = false;
  int64_t gmt_offset = 0;
  while (true) {
    Chunk ch = next_chunk(layout);
    std::string_view stdstr =
        layout.substr(ch.prefix.size(), layout.size() - ch.prefix.size() - ch.rest.size());
    // skip the literal prefix (runs of spaces match runs of spaces)
    std::string_view prefix = ch.prefix;
    while (!prefix.empty()) {
      if (prefix[0] == ' ') {
        if (!value.empty() && value[0] != ' ') return cannot(value, ch.prefix);
        while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
        while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        continue;
      }
      if (value.empty() || value[0] != prefix[0]) return cannot(value, ch.prefix);
      prefix.remove_prefix(1);
      value.remove_prefix(1);
    }
    if (ch.std == Std::kNone) {
      if (!value.empty()) return message(": extra text: " + quote(value));
      break;
    }
    layout = ch.rest;
    std::string_view hold = value;
    bool ok = true;
    std::string range;
    switch (ch.std) {
      case Std::kYear:
        ok = value.size() >= 2 && is_digit_at(value, 0) && is_digit_at(value, 1);
        if (ok) {
          year = (value[0] - '0') * 10 + (value[1] - '0');
          year += year >= 69 ? 1900 : 2000;
          value.remove_prefix(2);
        }
        break;
      case Std::kLongYear:
        ok = value.size() >= 4 && is_digit_at(value, 0) && is_digit_at(value, 1) &&
             is_digit_at(value, 2) && is_digit_at(value, 3);
        if (ok) {
          year = std::stoll(std::string(value.substr(0, 4)));
          value.remove_prefix(4);
        }
        break;
      case Std::kMonth:
      case Std::kLongMonth:
        ok = lookup_name(value, true, ch.std == Std::kLongMonth, month);
        break;
      case Std::kNumMonth:
      case Std::kZeroMonth:
        ok = getnum(value, ch.std == Std::kZeroMonth, month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case Std::kWeekDay:
      case Std::kLongWeekDay:
        ok = lookup_name(value, false, ch.std == Std::kLongWeekDay, ignored);
        break;
      case Std::kDay:
      case Std::kUnderDay:
      case Std::kZeroDay:
        if (ch.std == Std::kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = getnum(value, ch.std == Std::kZeroDay, day);
        break;
      case Std::kUnderYearDay:
      case Std::kZeroYearDay:
        for (int k = 0; k < 2 && ch.std == Std::kUnderYearDay && !value.empty() && value[0] == ' ';
             ++k) {
          value.remove_prefix(1);
        }
        ok = getnum(value, ch.std == Std::kZeroYearDay, yday, 3);
        if (ok && (yday < 1 || yday > 366)) range = "day-of-year";
        break;
      case Std::kHour:
        ok = getnum(value, false, hour);
        if (ok && (hour < 0 || hour >= 24)) range = "hour";
        break;
      case Std::kHour12:
      case Std::kZeroHour12:
        ok = getnum(value, ch.std == Std::kZeroHour12, hour);
        if (ok && (hour < 0 || hour > 12)) range = "hour";
        break;
      case Std::kMinute:
      case Std::kZeroMinute:
        ok = getnum(value, ch.std == Std::kZeroMinute, min);
        if (ok && (min < 0 || min >= 60)) range = "minute";
        break;
      case Std::kSecond:
      case Std::kZeroSecond:
        ok = getnum(value, ch.std == Std::kZeroSecond, sec);
        if (ok && (sec < 0 || sec >= 60)) {
          range = "second";
        } else if (ok && value.size() >= 2 && (value[0] == '.' || value[0] == ',') &&
                   is_digit_at(value, 1)) {
          // A fractional second in the value that the layout does not mention.
          Std next = next_chunk(layout).std;
          if (next != Std::kFracSecond0 && next != Std::kFracSecond9) {
            size_t n = 2;
            while (is_digit_at(value, n)) ++n;
            ok = parse_nanos(value, n, nsec);
            value.remove_prefix(n);
          }
        }
        break;
      case Std::kPM:
      case Std::kpm: {
        std::string_view p = value.substr(0, 2);
        bool upper = ch.std == Std::kPM;
        if (p == (upper ? "PM" : "pm")) {
          pm = true;
        } else if (p == (upper ? "AM" : "am")) {
          am = true;
        } else {
          ok = false;
        }
        if (ok) value.remove_prefix(2);
        break;
      }
      case Std::kTZ:
        if (value.substr(0, 3) == "UTC") {
          utc_set = true;
          value.remove_prefix(3);
          break;
        } else {
          size_t n = 0;
          while (n < value.size() && value[n] >= 'A' && value[n] <= 'Z') ++n;
          if (value.substr(0, 3) == "GMT") {
            size_t k = 3;
            if (k < value.size() && (value[k] == '+' || value[k] == '-')) {
              int sign = value[k] == '-' ? -1 : 1;
              ++k;
              int64_t h = 0;
              size_t b = k;
              while (is_digit_at(value, k)) h = h * 10 + (value[k++] - '0');
              if (k > b) {
                gmt_offset = sign * h * 3600;
                n = k;
              }
            }
          }
          ok = n >= 3;
          if (ok) {
            zone_name = true;
            value.remove_prefix(n);
          }
        }
        break;
      case Std::kFracSecond0: {
        size_t ndigit = 1 + static_cast<size_t>(ch.frac_digits);
        ok = value.size() >= ndigit && parse_nanos(value, ndigit, nsec);
        if (ok) value.remove_prefix(ndigit);
        break;
      }
      case Std::kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !is_digit_at(value, 1)) {
          break;  // fractional second omitted
        }
        size_t i = 0;
        while (is_digit_at(value, i + 1)) ++i;
        ok = parse_nanos(value, 1 + i, nsec);
        value.remove_prefix(1 + i);
        break;
      }
      default: {  // numeric and ISO 8601 zones
        bool iso = ch.std >= Std::kISO8601TZ && ch.std <= Std::kISO8601ColonSecondsTZ;
        if (iso && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          utc_set = true;
          break;
        }
        bool colon = ch.std == Std::kISO8601ColonTZ || ch.std == Std::kNumColonTZ ||
                     ch.std == Std::kISO8601ColonSecondsTZ || ch.std == Std::kNumColonSecondsTZ;
        bool secs = ch.std == Std::kISO8601SecondsTZ || ch.std == Std::kNumSecondsTz ||
                    ch.std == Std::kISO8601ColonSecondsTZ || ch.std == Std::kNumColonSecondsTZ;
        bool short_tz = ch.std == Std::kISO8601ShortTZ || ch.std == Std::kNumShortTZ;
        if (value.empty() || (value[0] != '+' && value[0] != '-')) {
          ok = false;
          break;
        }
        int sign = value[0] == '-' ? -1 : 1;
        std::string_view v = value.substr(1);
        int64_t hh = 0, mm = 0, ss = 0;
        ok = getnum(v, true, hh);
        if (ok && !short_tz) {
          if (colon) ok = !v.empty() && v[0] == ':' && (v.remove_prefix(1), true);
          ok = ok && getnum(v, true, mm);
        }
        if (ok && secs) {
          if (colon) ok = !v.empty() && v[0] == ':' && (v.remove_prefix(1), true);
          ok = ok && getnum(v, true, ss);
        }
        if (ok) {
          if (hh > 24) range = "time zone offset hour";
          if (mm > 60) range = "time zone offset minute";
          if (ss > 60) range = "time zone offset second";
          zone_offset = sign * ((hh * 60 + mm) * 60 + ss);
          zone_offset_set = true;
          value = v;
        }
        break;
      }
    }
    if (!range.empty()) return message(": " + range + " out of range");
    if (!ok) return cannot(hold, stdstr);
  }
  if (pm && hour < 12) {
    hour += 12;
  } else if (am && hour == 12) {
    hour = 0;
  }
  if (yday >= 0) {
    int64_t m = 0, d = 0, y = 0;
    if (yday > days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1)) {
      return message(": day-of-year out of range");
    }
    civil_from_days(days_from_civil(year, 1, 1) + yday - 1, y, m, d);
    if ((month >= 0 && month != m) || (day >= 0 && day != d)) {
      return message(": day-of-year does not match " +
                     std::string(month >= 0 && month != m ? "month" : "day"));
    }
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > days_in(month, year)) {
    return message(": day out of range");
  }
  int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  if (zone_offset_set && !utc_set) {
    secs -= zone_offset;
  } else if (zone_name && !utc_set) {
    secs -= gmt_offset;  // unknown abbreviations carry offset 0, as in Go's time.Parse
  }
  // UnixNano must fit in int64 (years 1678-2262).
  constexpr int64_t kMaxSec = std::numeric_limits<int64_t>::max() / 1000000000;
  if (secs > kMaxSec || secs < -kMaxSec - 1 || (secs == kMaxSec && nsec > 854775807)) {
    return Error(Code::kUnprocessable, "time outside of valid range");
  }
  return secs * 1000000000 + nsec;
}

}  // namespace dts::rego::tz
