// time.* builtins: Go layouts, durations and calendar fields with IANA zones.
#include <limits>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/builtins/time_layout.hpp"
#include "rego/builtins/tz.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kArray;
using types::kNumber;
using types::kString;
using Args = std::span<const Value>;

constexpr int64_t kSecond = 1000000000;

struct Instant {
  int64_t ns = 0;
  std::shared_ptr<const tz::Zone> zone;
  std::string layout;  // time.format only
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Result<int64_t> ns_of(std::string_view fn, const Value& v) {
  auto i = v.as_number().as_int64();
  if (!i) {
    return builtin_error(std::string(fn) + ": timestamp too big");
  }
  return *i;
}

// x is ns, or [ns, tz] (or [ns, tz, layout] when allow_layout).
Result<Instant> arg_instant(std::string_view fn, Args a, int index, bool allow_layout = false) {
  const Value& v = a[static_cast<size_t>(index - 1)];
  Instant out;
  out.zone = tz::Zone::utc();
  out.layout = std::string(tz::kRFC3339Nano);
  if (v.is_number()) {
    DTS_ASSIGN_OR_RETURN(out.ns, ns_of(fn, v));
    return out;
  }
  size_t max = allow_layout ? 3 : 2;
  if (!v.is_array() || v.as_array().size() < 2 || v.as_array().size() > max) {
    return operand_error(fn, index, "either number (ns) or [number (ns), string (tz)]", v);
  }
  const Array& arr = v.as_array();
  if (!arr[0].is_number()) {
    return type_error(std::string(fn) + ": operand " + std::to_string(index) +
                      " expected number (ns) as first item in array");
  }
  if (!arr[1].is_string()) {
    return type_error(std::string(fn) + ": operand " + std::to_string(index) +
                      " expected string (tz) as second item in array");
  }
  DTS_ASSIGN_OR_RETURN(out.ns, ns_of(fn, arr[0]));
  out.zone = tz::load_zone(arr[1].as_string());
  if (!out.zone) {
    return builtin_error(std::string(fn) + ": unknown time zone " + arr[1].as_string());
  }
  if (arr.size() == 3) {
    if (!arr[2].is_string()) {
      return type_error(std::string(fn) + ": operand " + std::to_string(index) +
                        " expected string (layout) as third item in array");
    }
    out.layout = arr[2].as_string();
    static const std::map<std::string, std::string, std::less<>> kNamed = {
        {"ANSIC", "Mon Jan _2 15:04:05 2006"},
        {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
        {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
        {"RFC822", "02 Jan 06 15:04 MST"},
        {"RFC822Z", "02 Jan 06 15:04 -0700"},
        {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
        {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
        {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
        {"RFC3339", "2006-01-02T15:04:05Z07:00"},
        {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
        {"Kitchen", "3:04PM"},
        {"Stamp", "Jan _2 15:04:05"},
        {"StampMilli", "Jan _2 15:04:05.000"},
        {"StampMicro", "Jan _2 15:04:05.000000"},
        {"StampNano", "Jan _2 15:04:05.000000000"},
        {"DateTime", "2006-01-02 15:04:05"},
        {"DateOnly", "2006-01-02"},
        {"TimeOnly", "15:04:05"},
    };
    if (auto it = kNamed.find(out.layout); it != kNamed.end()) {
      out.layout = it->second;
    }
  }
  return out;
}

tz::Civil civil(const Instant& t) {
  int64_t secs = floor_div(t.ns, kSecond);
  int64_t sub = t.ns % kSecond;  // not t.ns - secs * kSecond: that overflows near INT64_MIN
  return tz::to_civil(secs, sub < 0 ? sub + kSecond : sub, *t.zone);
}

Result<Value> parse_with(std::string_view fn, std::string_view layout, std::string_view value) {
  auto ns = tz::parse_layout(layout, value);
  if (!ns.ok()) {
    return builtin_error(std::string(fn) + ": " + ns.error().message());
  }
  return Value::number(*ns);
}

// Go's time.ParseDuration.
Result<int64_t> parse_duration(std::string_view orig) {
  auto invalid = [&] {
    return invalid_argument("time: invalid duration \"" + std::string(orig) + "\"");
  };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return int64_t{0};
  }
  if (s.empty()) {
    return invalid();
  }
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double v = 0;
    bool digits = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i++] - '0');
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        v += (s[i++] - '0') * scale;
        scale /= 10;
        digits = true;
      }
    }
    if (!digits) {
      return invalid();
    }
    size_t u = i;
    while (u < s.size() && s[u] != '.' && !std::isdigit(static_cast<unsigned char>(s[u]))) {
      ++u;
    }
    std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) {
      return invalid_argument("time: missing unit in duration \"" + std::string(orig) + "\"");
    }
    static const std::map<std::string_view, int64_t> kUnits = {
        {"ns", 1},       {"us", 1000},   {"\u00b5s", 1000},   {"\u03bcs", 1000},
        {"ms", 1000000}, {"s", kSecond}, {"m", 60 * kSecond}, {"h", 3600 * kSecond}};
    auto it = kUnits.find(unit);
    if (it == kUnits.end()) {
      return invalid_argument("time: unknown unit \"" + std::string(unit) + "\" in duration \"" +
                              std::string(orig) + "\"");
    }
    total += v * static_cast<long double>(it->second);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      return invalid();
    }
    s.remove_prefix(u);
  }
  auto ns = static_cast<int64_t>(total);
  return neg ? -ns : ns;
}

Result<Value> add_date(Args a) {
  const char* fn = "time.add_date";
  DTS_ASSIGN_OR_RETURN(int64_t ns, arg_int(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(int64_t years, arg_int(fn, a, 2));
  DTS_ASSIGN_OR_RETURN(int64_t months, arg_int(fn, a, 3));
  DTS_ASSIGN_OR_RETURN(int64_t days, arg_int(fn, a, 4));
  constexpr int64_t kLimit = int64_t{1} << 40;
  if (std::abs(years) > kLimit || std::abs(months) > kLimit || std::abs(days) > kLimit) {
    return builtin_error(std::string(fn) + ": time outside of valid range");
  }
  Instant t{ns, tz::Zone::utc(), {}};
  tz::Civil c = civil(t);
  int64_t day_count = tz::days_from_civil(c.year + years, c.month + months, c.day + days);
  __int128 secs =
      static_cast<__int128>(day_count) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
  __int128 out = secs * kSecond + c.nanos;
  if (out > std::numeric_limits<int64_t>::max() || out < std::numeric_limits<int64_t>::min()) {
    return builtin_error(std::string(fn) + ": time outside of valid range");
  }
  return Value::number(static_cast<int64_t>(out));
}

Result<Value> diff(Args a) {
  DTS_ASSIGN_OR_RETURN(Instant t1, arg_instant("time.diff", a, 1));
  DTS_ASSIGN_OR_RETURN(Instant t2, arg_instant("time.diff", a, 2));
  t2.zone = t1.zone;  // compare in the first operand's location, as OPA does
  if (t1.ns > t2.ns) {
    std::swap(t1, t2);
  }
  tz::Civil c1 = civil(t1);
  tz::Civil c2 = civil(t2);
  int64_t year = c2.year - c1.year, month = c2.month - c1.month, day = c2.day - c1.day;
  int64_t hour = c2.hour - c1.hour, min = c2.minute - c1.minute, sec = c2.second - c1.second;
  if (sec < 0) {
    sec += 60;
    --min;
  }
  if (min < 0) {
    min += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    // Borrow the length of t1's month.
    day +=
        tz::days_from_civil(c1.year, c1.month + 1, 1) - tz::days_from_civil(c1.year, c1.month, 1);
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  return Value::array({Value::number(year), Value::number(month), Value::number(day),
                       Value::number(hour), Value::number(min), Value::number(sec)});
}

template <typename F>
void add_instant_fn(Registry& r, const char* name, uint16_t result, F f) {
  r.add(name, {kNumber | kArray}, result, [name, f](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(Instant t, arg_instant(name, a, 1));
    return f(civil(t));
  });
}

}  // namespace

void register_time(Registry& r) {
  BuiltinDecl now;
  now.name = "time.now_ns";
  now.result = kNumber;
  now.nondeterministic = true;
  r.add(std::move(now),
        [](Args, BuiltinContext& ctx) -> Result<Value> { return Value::number(ctx.now_ns()); });
  r.add("time.parse_ns", {kString, kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view layout, arg_string("time.parse_ns", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view value, arg_string("time.parse_ns", a, 2));
    return parse_with("time.parse_ns", layout, value);
  });
  r.add("time.parse_rfc3339_ns", {kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view value, arg_string("time.parse_rfc3339_ns", a, 1));
    return parse_with("time.parse_rfc3339_ns", tz::kRFC3339, value);
  });
  r.add("time.parse_duration_ns", {kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view value, arg_string("time.parse_duration_ns", a, 1));
    auto ns = parse_duration(value);
    if (!ns.ok()) {
      return builtin_error("time.parse_duration_ns: " + ns.error().message());
    }
    return Value::number(*ns);
  });
  add_instant_fn(r, "time.date", kArray, [](const tz::Civil& c) -> Result<Value> {
    return Value::array({Value::number(c.year), Value::number(c.month), Value::number(c.day)});
  });
  add_instant_fn(r, "time.clock", kArray, [](const tz::Civil& c) -> Result<Value> {
    return Value::array({Value::number(c.hour), Value::number(c.minute), Value::number(c.second)});
  });
  add_instant_fn(r, "time.weekday", kString, [](const tz::Civil& c) -> Result<Value> {
    static const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                  "Thursday", "Friday", "Saturday"};
    return str(kDays[c.weekday]);
  });
  r.add("time.format", {kNumber | kArray}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(Instant t, arg_instant("time.format", a, 1, true));
    return str(tz::format_layout(t.layout, civil(t)));
  });
  r.add("time.add_date", {kNumber, kNumber, kNumber, kNumber}, kNumber,
        [](Args a, BuiltinContext&) { return add_date(a); });
  r.add("time.diff", {kNumber | kArray, kNumber | kArray}, kArray,
        [](Args a, BuiltinContext&) { return diff(a); });
  (void)kAny;
}

}  // namespace dts::rego
