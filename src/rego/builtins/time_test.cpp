#include <gtest/gtest.h>

#include "rego/builtins/test_util.hpp"

namespace dts::rego {
namespace {

using testing::J;
using testing::run;
using testing::S;

Value at(int64_t ns, const char* zone) { return Value::array({Value::number(ns), S(zone)}); }
Value fmt(int64_t ns, const char* zone, const char* layout) {
  return Value::array({Value::number(ns), S(zone), S(layout)});
}

constexpr int64_t kNov14 = 1700000000123456789;  // 2023-11-14T22:13:20.123456789Z

TEST(BuiltinTime, NowIsFixedPerEvaluation) {
  testing::TestContext ctx;
  ctx.now = 42;
  EXPECT_EQ(testing::call_ctx(ctx, "time.now_ns", {})->to_json(), "42");
  EXPECT_TRUE(Registry::defaults().find("time.now_ns")->decl.nondeterministic);
}

TEST(BuiltinTime, ParseRfc3339AndLayouts) {
  EXPECT_EQ(run("time.parse_rfc3339_ns", {S("2017-06-02T19:00:00-07:00")}), "1496455200000000000");
  EXPECT_EQ(run("time.parse_rfc3339_ns", {S("1970-01-01T00:00:00.5Z")}), "500000000");
  EXPECT_EQ(run("time.parse_rfc3339_ns", {S("1960-02-29T00:00:00Z")}), "-310521600000000000");
  EXPECT_EQ(
      run("time.parse_rfc3339_ns", {S("2023-02-29T00:00:00Z")}),
      "ERR(builtin): time.parse_rfc3339_ns: parsing time \"2023-02-29T00:00:00Z\": day out of "
      "range");
  EXPECT_EQ(run("time.parse_rfc3339_ns", {S("2017-13-02T19:00:00Z")}),
            "ERR(builtin): time.parse_rfc3339_ns: parsing time \"2017-13-02T19:00:00Z\": month out "
            "of range");
  EXPECT_EQ(run("time.parse_rfc3339_ns", {S("nope")}),
            "ERR(builtin): time.parse_rfc3339_ns: parsing time \"nope\" as "
            "\"2006-01-02T15:04:05Z07:00\": cannot parse \"nope\" as \"2006\"");
  EXPECT_EQ(run("time.parse_ns", {S("2006-01-02"), S("2017-06-02")}), "1496361600000000000");
  EXPECT_EQ(run("time.parse_ns",
                {S("Mon Jan _2 15:04:05 -0700 2006"), S("Mon Jan  2 15:04:05 -0700 2006")}),
            "1136239445000000000");
  EXPECT_EQ(
      run("time.parse_ns", {S("January 2, 2006 3:04 PM MST"), S("january 2, 2006 3:04 PM UTC")}),
      "1136214240000000000");
  EXPECT_EQ(run("time.parse_ns", {S("2006-01-02"), S("2017-06-02x")}),
            "ERR(builtin): time.parse_ns: parsing time \"2017-06-02x\": extra text: \"x\"");
  EXPECT_EQ(run("time.parse_ns", {S("2006-01-02 15:04:05.000"), S("2020-01-01 00:00:01.250")}),
            "1577836801250000000");
  EXPECT_EQ(run("time.parse_ns", {S("2006-01-02"), S("2300-01-01")}).substr(0, 12), "ERR(builtin)");
}

TEST(BuiltinTime, Durations) {
  EXPECT_EQ(run("time.parse_duration_ns", {S("1h30m")}), "5400000000000");
  EXPECT_EQ(run("time.parse_duration_ns", {S("1.5h")}), "5400000000000");
  EXPECT_EQ(run("time.parse_duration_ns", {S("-2m3.5s")}), "-123500000000");
  EXPECT_EQ(run("time.parse_duration_ns", {S("300ms")}), "300000000");
  EXPECT_EQ(run("time.parse_duration_ns", {S("1µs2ns")}), "1002");
  EXPECT_EQ(run("time.parse_duration_ns", {S("0")}), "0");
  EXPECT_EQ(run("time.parse_duration_ns", {S("1x")}),
            "ERR(builtin): time.parse_duration_ns: time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(run("time.parse_duration_ns", {S("12")}),
            "ERR(builtin): time.parse_duration_ns: time: missing unit in duration \"12\"");
  EXPECT_EQ(run("time.parse_duration_ns", {S("")}),
            "ERR(builtin): time.parse_duration_ns: time: invalid duration \"\"");
}

TEST(BuiltinTime, CalendarFieldsInZones) {
  EXPECT_EQ(run("time.date", {J("0")}), "[1970,1,1]");
  EXPECT_EQ(run("time.date", {Value::number(kNov14)}), "[2023,11,14]");
  EXPECT_EQ(run("time.clock", {Value::number(kNov14)}), "[22,13,20]");
  EXPECT_EQ(run("time.weekday", {Value::number(kNov14)}), "\"Tuesday\"");
  EXPECT_EQ(run("time.clock", {at(kNov14, "America/New_York")}), "[17,13,20]");
  EXPECT_EQ(run("time.clock", {at(kNov14, "Asia/Kolkata")}), "[3,43,20]");
  EXPECT_EQ(run("time.date", {at(kNov14, "Australia/Sydney")}), "[2023,11,15]");
  EXPECT_EQ(run("time.weekday", {at(kNov14, "Australia/Sydney")}), "\"Wednesday\"");
  EXPECT_EQ(run("time.date", {J("-1")}), "[1969,12,31]");
  EXPECT_EQ(run("time.date", {at(0, "Not/AZone")}),
            "ERR(builtin): time.date: unknown time zone Not/AZone");
  EXPECT_EQ(run("time.date", {at(0, "../../etc/passwd")}).substr(0, 12), "ERR(builtin)");
  EXPECT_EQ(run("time.date", {S("x")}).substr(0, 9), "ERR(type)");
}

TEST(BuiltinTime, Format) {
  EXPECT_EQ(run("time.format", {Value::number(kNov14)}), "\"2023-11-14T22:13:20.123456789Z\"");
  EXPECT_EQ(run("time.format", {at(kNov14, "America/New_York")}),
            "\"2023-11-14T17:13:20.123456789-05:00\"");
  EXPECT_EQ(run("time.format", {fmt(kNov14, "Europe/Paris", "Mon, 02 Jan 2006 15:04:05 MST")}),
            "\"Tue, 14 Nov 2023 23:13:20 CET\"");
  EXPECT_EQ(run("time.format", {fmt(kNov14, "UTC", "3:04PM .000 ,999 Jan _2 002")}),
            "\"10:13PM .123 ,123 Nov 14 318\"");
  EXPECT_EQ(run("time.format", {fmt(kNov14, "UTC", "RFC1123Z")}),
            "\"Tue, 14 Nov 2023 22:13:20 +0000\"");
  // Far-future instants use the zone file's POSIX rule: summer time in 2100.
  EXPECT_EQ(run("time.format", {fmt(4118126400000000000, "America/New_York", "15:04 MST")}),
            "\"08:00 EDT\"");
}

TEST(BuiltinTime, AddDateNormalisesLikeGo) {
  EXPECT_EQ(run("time.add_date", {J("1706695200000000000"), J("0"), J("1"), J("0")}),
            "1709373600000000000");  // 2024-01-31 + 1 month = 2024-03-02 (leap year)
  EXPECT_EQ(run("time.add_date", {J("1675159200000000000"), J("0"), J("1"), J("0")}),
            "1677837600000000000");  // 2023-01-31 + 1 month = 2023-03-03
  EXPECT_EQ(run("time.add_date", {J("0"), J("1"), J("-1"), J("31")}), "31536000000000000");
  EXPECT_EQ(run("time.add_date", {J("0"), J("300"), J("0"), J("0")}),
            "ERR(builtin): time.add_date: time outside of valid range");
}

TEST(BuiltinTime, Diff) {
  // 2023-11-14T22:13:20Z vs 2024-02-29T00:00:00Z
  EXPECT_EQ(run("time.diff", {J("1709164800000000000"), Value::number(kNov14)}),
            "[0,3,14,1,46,40]");
  EXPECT_EQ(run("time.diff", {Value::number(kNov14), Value::number(kNov14)}), "[0,0,0,0,0,0]");
  EXPECT_EQ(run("time.diff", {J("0"), J("31536000000000000")}), "[1,0,0,0,0,0]");
}

}  // namespace
}  // namespace dts::rego
