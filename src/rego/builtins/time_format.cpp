// Go layout tokenising and formatting (time.format).
#include "rego/builtins/time_chunk.hpp"
#include "rego/builtins/time_layout.hpp"

namespace dts::rego::tz {
namespace detail {

Chunk next_chunk(std::string_view l) {
  struct Tok {
    std::string_view text;
    Std std;
  };
  static const Tok kDash[] = {{"-07:00:00", Std::kNumColonSecondsTZ},
                              {"-070000", Std::kNumSecondsTz},
                              {"-07:00", Std::kNumColonTZ},
                              {"-0700", Std::kNumTZ},
                              {"-07", Std::kNumShortTZ}};
  static const Tok kZ[] = {{"Z07:00:00", Std::kISO8601ColonSecondsTZ},
                           {"Z070000", Std::kISO8601SecondsTZ},
                           {"Z07:00", Std::kISO8601ColonTZ},
                           {"Z0700", Std::kISO8601TZ},
                           {"Z07", Std::kISO8601ShortTZ}};
  for (size_t i = 0; i < l.size(); ++i) {
    auto hit = [&](size_t len, Std s) { return Chunk{l.substr(0, i), s, 0, l.substr(i + len)}; };
    switch (l[i]) {
      case 'J':
        if (starts(l, i, "Jan"))
          return starts(l, i, "January") ? hit(7, Std::kLongMonth) : hit(3, Std::kMonth);
        break;
      case 'M':
        if (starts(l, i, "Mon"))
          return starts(l, i, "Monday") ? hit(6, Std::kLongWeekDay) : hit(3, Std::kWeekDay);
        if (starts(l, i, "MST")) return hit(3, Std::kTZ);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static const Std k0[] = {Std::kZeroMonth,  Std::kZeroDay,    Std::kZeroHour12,
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
          if (starts(l, i + 1, "2006"))
            return Chunk{l.substr(0, i + 1), Std::kLongYear, 0, l.substr(i + 5)};
          return hit(2, Std::kUnderDay);
        }
        if (starts(l, i, "__2")) return hit(3, Std::kUnderYearDay);
        break;
      case '3':
        return hit(1, Std::kHour12);
      case '4':
        return hit(1, Std::kMinute);
      case '5':
        return hit(1, Std::kSecond);
      case 'P':
        if (starts(l, i, "PM")) return hit(2, Std::kPM);
        break;
      case 'p':
        if (starts(l, i, "pm")) return hit(2, Std::kpm);
        break;
      case '-':
        for (const auto& t : kDash)
          if (starts(l, i, t.text)) return hit(t.text.size(), t.std);
        break;
      case 'Z':
        for (const auto& t : kZ)
          if (starts(l, i, t.text)) return hit(t.text.size(), t.std);
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

}  // namespace detail

namespace {

using namespace detail;  // NOLINT: the token vocabulary of this file

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
      case Std::kYear:
        pad_int(out, ((c.year % 100) + 100) % 100, 2);
        break;
      case Std::kLongYear:
        pad_int(out, c.year, 4);
        break;
      case Std::kMonth:
        out += kLongMonths[static_cast<size_t>(c.month - 1)].substr(0, 3);
        break;
      case Std::kLongMonth:
        out += kLongMonths[static_cast<size_t>(c.month - 1)];
        break;
      case Std::kNumMonth:
        pad_int(out, c.month, 0);
        break;
      case Std::kZeroMonth:
        pad_int(out, c.month, 2);
        break;
      case Std::kWeekDay:
        out += kLongDays[static_cast<size_t>(c.weekday)].substr(0, 3);
        break;
      case Std::kLongWeekDay:
        out += kLongDays[static_cast<size_t>(c.weekday)];
        break;
      case Std::kDay:
        pad_int(out, c.day, 0);
        break;
      case Std::kUnderDay:
        pad_int(out, c.day, 2, ' ');
        break;
      case Std::kZeroDay:
        pad_int(out, c.day, 2);
        break;
      case Std::kUnderYearDay:
        pad_int(out, c.yday, 3, ' ');
        break;
      case Std::kZeroYearDay:
        pad_int(out, c.yday, 3);
        break;
      case Std::kHour:
        pad_int(out, c.hour, 2);
        break;
      case Std::kHour12:
        pad_int(out, h12, 0);
        break;
      case Std::kZeroHour12:
        pad_int(out, h12, 2);
        break;
      case Std::kMinute:
        pad_int(out, c.minute, 0);
        break;
      case Std::kZeroMinute:
        pad_int(out, c.minute, 2);
        break;
      case Std::kSecond:
        pad_int(out, c.second, 0);
        break;
      case Std::kZeroSecond:
        pad_int(out, c.second, 2);
        break;
      case Std::kPM:
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case Std::kpm:
        out += c.hour >= 12 ? "pm" : "am";
        break;
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

}  // namespace dts::rego::tz
