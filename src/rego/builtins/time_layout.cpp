#include "rego/builtins/time_layout.hpp"

#include <array>
#include <limits>

namespace dts::rego::tz {
namespace {

enum class Std {
  kNone, kLongMonth, kMonth, kNumMonth, kZeroMonth, kLongWeekDay, kWeekDay, kDay, kUnderDay,
  kZeroDay, kUnderYearDay, kZeroYearDay, kHour, kHour12, kZeroHour12, kMinute, kZeroMinute,
  kSecond, kZeroSecond, kLongYear, kYear, kPM, kpm, kTZ, kISO8601TZ, kISO8601SecondsTZ,
  kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ, kNumTZ, kNumSecondsTz, kNumShortTZ,
  kNumColonTZ, kNumColonSecondsTZ, kFracSecond0, kFracSecond9,
};

constexpr std::array<std::string_view, 12> kLongMonths = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

struct Chunk {
  std::string_view prefix;
  Std std = Std::kNone;
  int frac_digits = 0;
  std::string_view rest;
  char sep = '.';
};

bool starts(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }
bool is_digit_at(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's nextStdChunk: the literal prefix, the std element and the rest of the layout.
Chunk next_chunk(std::string_view l) {
  struct Tok {
    std::string_view text;
    Std std;
  };
  static const Tok kDash[] = {{"-07:00:00", Std::kNumColonSecondsTZ}, {"-070000", Std::kNumSecondsTz},
                              {"-07:00", Std::kNumColonTZ}, {"-0700", Std::kNumTZ},
                              {"-07", Std::kNumShortTZ}};
  static const Tok kZ[] = {{"Z07:00:00", Std::kISO8601ColonSecondsTZ},
                           {"Z070000", Std::kISO8601SecondsTZ}, {"Z07:00", Std::kISO8601ColonTZ},
                           {"Z0700", Std::kISO8601TZ}, {"Z07", Std::kISO8601ShortTZ}};
  for (size_t i = 0; i < l.size(); ++i) {
    auto hit = [&](size_t len, Std s) { return Chunk{l.substr(0, i), s, 0, l.substr(i + len)}; };
    switch (l[i]) {
      case 'J':
        if (starts(l, i, "Jan")) return starts(l, i, "January") ? hit(7, Std::kLongMonth) : hit(3, Std::kMonth);
        break;
      case 'M':
        if (starts(l, i, "Mon")) return starts(l, i, "Monday") ? hit(6, Std::kLongWeekDay) : hit(3, Std::kWeekDay);
        if (starts(l, i, "MST")) return hit(3, Std::kTZ);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static const Std k0[] = {Std::kZeroMonth, Std::kZeroDay, Std::kZeroHour12,
                                   Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return hit(2, k0[l[i + 1] - '1']);
        }
        if (starts(l, i, "002")) return hit(3, Std::kZeroYearDay);
        break;
      case '1':
        if (starts(l, i, "15")) return hit(2, Std::kHour);
        return hit(1, Std::kNumMonth);
      case '2':
        if (starts(l, i, "2006")) return hit(4, Std::kLongYear);
        return hit(1, Std::kDay);
      case '_':
        if (starts(l, i, "_2")) {
          if (starts(l, i + 1, "2006")) return Chunk{l.substr(0, i + 1), Std::kLongYear, 0, l.substr(i + 5)};
          return hit(2, Std::kUnderDay);
        }
        if (starts(l, i, "__2")) return hit(3, Std::kUnderYearDay);
        break;
      case '3': return hit(1, Std::kHour12);
      case '4': return hit(1, Std::kMinute);
      case '5': return hit(1, Std::kSecond);
      case 'P':
        if (starts(l, i, "PM")) return hit(2, Std::kPM);
        break;
      case 'p':
        if (starts(l, i, "pm")) return hit(2, Std::kpm);
        break;
      case '-':
        for (const auto& t : kDash) if (starts(l, i, t.text)) return hit(t.text.size(), t.std);
        break;
      case 'Z':
        for (const auto& t : kZ) if (starts(l, i, t.text)) return hit(t.text.size(), t.std);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          char ch = l[i + 1];
          size_t j = i + 1;
          while (j < l.size() && l[j] == ch) ++j;
          if (!is_digit_at(l, j)) {
            Chunk c{l.substr(0, i), ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9,
                    static_cast<int>(j - i - 1), l.substr(j), l[i]};
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{l, Std::kNone, 0, {}};
}

void pad_int(std::string& out, int64_t v, int width, char fill = '0') {
  std::string d = std::to_string(v < 0 ? -v : v);
  if (v < 0) out.push_back('-');
  for (int k = static_cast<int>(d.size()); k < width; ++k) out.push_back(fill);
  out += d;
}

void format_zone(std::string& out, Std s, int32_t off) {
  bool iso = s >= Std::kISO8601TZ && s <= Std::kISO8601ColonSecondsTZ;
  if (iso && off == 0) {
    out.push_back('Z');
    return;
  }
  int32_t z = off / 60;
  int32_t abs_off = off < 0 ? -off : off;
  out.push_back(z < 0 ? '-' : '+');
  if (z < 0) z = -z;
  pad_int(out, z / 60, 2);
  bool colon = s == Std::kISO8601ColonTZ || s == Std::kNumColonTZ ||
               s == Std::kISO8601ColonSecondsTZ || s == Std::kNumColonSecondsTZ;
  bool short_tz = s == Std::kISO8601ShortTZ || s == Std::kNumShortTZ;
  if (!short_tz) {
    if (colon) out.push_back(':');
    pad_int(out, z % 60, 2);
  }
  if (s == Std::kISO8601SecondsTZ || s == Std::kNumSecondsTz || s == Std::kNumColonSecondsTZ ||
      s == Std::kISO8601ColonSecondsTZ) {
    if (colon) out.push_back(':');
    pad_int(out, abs_off % 60, 2);
  }
}

}  // namespace

std::string format_layout(std::string_view layout, const Civil& c) {
  std::string out;
  while (!layout.empty()) {
    Chunk ch = next_chunk(layout);
    out += ch.prefix;
    if (ch.std == Std::kNone) break;
    layout = ch.rest;
    int64_t h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case Std::kYear: pad_int(out, ((c.year % 100) + 100) % 100, 2); break;
      case Std::kLongYear: pad_int(out, c.year, 4); break;
      case Std::kMonth: out += kLongMonths[static_cast<size_t>(c.month - 1)].substr(0, 3); break;
      case Std::kLongMonth: out += kLongMonths[static_cast<size_t>(c.month - 1)]; break;
      case Std::kNumMonth: pad_int(out, c.month, 0); break;
      case Std::kZeroMonth: pad_int(out, c.month, 2); break;
      case Std::kWeekDay: out += kLongDays[static_cast<size_t>(c.weekday)].substr(0, 3); break;
      case Std::kLongWeekDay: out += kLongDays[static_cast<size_t>(c.weekday)]; break;
      case Std::kDay: pad_int(out, c.day, 0); break;
      case Std::kUnderDay: pad_int(out, c.day, 2, ' '); break;
      case Std::kZeroDay: pad_int(out, c.day, 2); break;
      case Std::kUnderYearDay: pad_int(out, c.yday, 3, ' '); break;
      case Std::kZeroYearDay: pad_int(out, c.yday, 3); break;
      case Std::kHour: pad_int(out, c.hour, 2); break;
      case Std::kHour12: pad_int(out, h12, 0); break;
      case Std::kZeroHour12: pad_int(out, h12, 2); break;
      case Std::kMinute: pad_int(out, c.minute, 0); break;
      case Std::kZeroMinute: pad_int(out, c.minute, 2); break;
      case Std::kSecond: pad_int(out, c.second, 0); break;
      case Std::kZeroSecond: pad_int(out, c.second, 2); break;
      case Std::kPM: out += c.hour >= 12 ? "PM" : "AM"; break;
      case Std::kpm: out += c.hour >= 12 ? "pm" : "am"; break;
      case Std::kTZ:
        if (!c.offset.abbr.empty()) {
          out += c.offset.abbr;
        } else {
          format_zone(out, Std::kNumShortTZ, c.offset.utoff);  // Go prints -07 / -0730
          if (c.offset.utoff % 3600 != 0) pad_int(out, (std::abs(c.offset.utoff) / 60) % 60, 2);
        }
        break;
      case Std::kFracSecond0:
      case Std::kFracSecond9: {
        std::string digits;
        pad_int(digits, c.nanos, 9);
        digits = digits.substr(0, static_cast<size_t>(ch.frac_digits));
        if (ch.std == Std::kFracSecond9) {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty()) break;
        }
        out.push_back(ch.sep);
        out += digits;
        break;
      }
      default:
        format_zone(out, ch.std, c.offset.utoff);
        break;
    }
  }
  return out;
}

namespace {

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
    std::string_view stdstr = layout.substr(ch.prefix.size(), layout.size() - ch.prefix.size() - ch.rest.size());
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
        for (int k = 0; k < 2 && ch.std == Std::kUnderYearDay && !value.empty() && value[0] == ' '; ++k) {
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
      return message(": day-of-year does not match " + std::string(month >= 0 && month != m ? "month" : "day"));
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
