// units.*, semver.*, uuid.*, walk and opa.runtime.
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kNumber;
using types::kObject;
using types::kString;
using Args = std::span<const Value>;

// Splits "1.5e3Ki" into the number text and the unit; the number may use an exponent.
std::pair<std::string, std::string> split_number(std::string_view s, bool allow_exponent) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (allow_exponent && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      i = j;
    }
  }
  return {std::string(s.substr(0, i)), std::string(s.substr(i))};
}

std::optional<Number> parse_plain_number(std::string text) {
  if (!text.empty() && text[0] == '+') text.erase(0, 1);
  size_t at = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (text.size() > at && text[at] == '.') text.insert(at, "0");
  if (auto dot = text.find('.');
      dot != std::string::npos &&
      (dot + 1 == text.size() || !std::isdigit(static_cast<unsigned char>(text[dot + 1])))) {
    text.insert(dot + 1, "0");
  }
  return Number::parse(text);
}

Number pow_int(int64_t base, int exp) {
  Number out(1);
  for (int i = 0; i < exp; ++i) out = out * Number(base);
  return out;
}

Result<std::string> units_operand(std::string_view fn, Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view raw, arg_string(fn, a, 1));
  std::string s(raw);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.find(' ') != std::string::npos) {
    return builtin_error(std::string(fn) + ": spaces not allowed in resource strings");
  }
  return s;
}

Result<Value> units_parse(Args a) {
  const char* fn = "units.parse";
  DTS_ASSIGN_OR_RETURN(std::string s, units_operand(fn, a));
  auto [num_text, unit] = split_number(s, true);
  // "1e+K" / "e+K": an exponent without digits is a malformed amount, not the unit "e+K".
  bool bad_exponent =
      unit.size() >= 2 && (unit[0] == 'e' || unit[0] == 'E') && (unit[1] == '+' || unit[1] == '-');
  if (num_text.empty() && !bad_exponent) {
    return builtin_error(std::string(fn) + ": no amount provided");
  }
  bool digits = num_text.find_first_of("0123456789") != std::string::npos;
  auto num = digits && !bad_exponent ? parse_plain_number(num_text) : std::nullopt;
  if (!num) return builtin_error(std::string(fn) + ": could not parse amount to a number");
  // 'm' (milli) and 'M' (mega) are case-sensitive; the rest is not.
  std::optional<Number> mult;
  if (unit == "m") {
    return Value::number(Number::from_double(num->to_double() / 1000.0));
  }
  if (unit == "M") {
    mult = pow_int(10, 6);
  } else {
    std::string u;
    for (char c : unit) u.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    static const std::string_view kDec = "kmgtpe";
    if (u.empty()) {
      mult = Number(1);
    } else if (u.size() == 1 && kDec.find(u[0]) != std::string_view::npos) {
      mult = pow_int(10, 3 * (static_cast<int>(kDec.find(u[0])) + 1));
    } else if (u.size() == 2 && u[1] == 'i' && kDec.find(u[0]) != std::string_view::npos) {
      mult = pow_int(1024, static_cast<int>(kDec.find(u[0])) + 1);
    }
  }
  if (!mult) return builtin_error(std::string(fn) + ": unknown unit " + unit);
  return Value::number(*num * *mult);
}

Result<Value> units_parse_bytes(Args a) {
  const char* fn = "units.parse_bytes";
  DTS_ASSIGN_OR_RETURN(std::string s, units_operand(fn, a));
  auto [num_text, unit] = split_number(s, false);
  auto num = parse_plain_number(num_text);
  if (num_text.empty() || !num) return builtin_error(std::string(fn) + ": no byte amount provided");
  std::string u;
  for (char c : unit) u.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!u.empty() && u.back() == 'b') u.pop_back();  // the byte symbol is optional
  static const std::string_view kDec = "kmgtpe";
  std::optional<Number> mult;
  if (u.empty()) {
    mult = Number(1);
  } else if (u.size() == 1 && kDec.find(u[0]) != std::string_view::npos) {
    mult = pow_int(1000, static_cast<int>(kDec.find(u[0])) + 1);
  } else if (u.size() == 2 && u[1] == 'i' && kDec.find(u[0]) != std::string_view::npos) {
    mult = pow_int(1024, static_cast<int>(kDec.find(u[0])) + 1);
  }
  if (!mult) return builtin_error(std::string(fn) + ": byte unit " + unit + " not recognized");
  Number out = *num * *mult;
  if (!out.is_int()) out = Number::from_double(std::trunc(out.to_double()));
  return Value::number(out);
}

// SemVer 2.0.0.
struct SemVer {
  int64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;
};

bool numeric_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t dot = s.find('.', pos);
    out.push_back(s.substr(pos, dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return out;
}

bool valid_ids(std::string_view s, bool no_leading_zero) {
  for (auto id : split_dots(s)) {
    if (id.empty()) return false;
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (no_leading_zero && numeric_id(id) && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

std::optional<SemVer> parse_semver(std::string_view s) {
  SemVer v;
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!valid_ids(s.substr(plus + 1), false)) return std::nullopt;
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    std::string_view pre = s.substr(dash + 1);
    if (!valid_ids(pre, true)) return std::nullopt;
    for (auto id : split_dots(pre)) v.pre.emplace_back(id);
    s = s.substr(0, dash);
  }
  auto core = split_dots(s);
  if (core.size() != 3) return std::nullopt;
  int64_t* dst[] = {&v.major, &v.minor, &v.patch};
  for (size_t i = 0; i < 3; ++i) {
    if (!numeric_id(core[i]) || (core[i].size() > 1 && core[i][0] == '0') || core[i].size() > 18) {
      return std::nullopt;
    }
    *dst[i] = std::stoll(std::string(core[i]));
  }
  return v;
}

int compare_semver(const SemVer& a, const SemVer& b) {
  auto cmp = [](int64_t x, int64_t y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  if (a.pre.empty() || b.pre.empty())
    return a.pre.empty() == b.pre.empty() ? 0 : a.pre.empty() ? 1 : -1;
  for (size_t i = 0; i < std::min(a.pre.size(), b.pre.size()); ++i) {
    bool an = numeric_id(a.pre[i]), bn = numeric_id(b.pre[i]);
    int c = 0;
    if (an && bn) {
      c = a.pre[i].size() != b.pre[i].size()
              ? cmp(static_cast<int64_t>(a.pre[i].size()), static_cast<int64_t>(b.pre[i].size()))
              : a.pre[i].compare(b.pre[i]);
    } else if (an != bn) {
      c = an ? -1 : 1;  // numeric identifiers sort first
    } else {
      c = a.pre[i].compare(b.pre[i]);
    }
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return cmp(static_cast<int64_t>(a.pre.size()), static_cast<int64_t>(b.pre.size()));
}

std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view s) {
  if (s.starts_with("urn:uuid:")) s.remove_prefix(9);
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  std::string hex;
  if (s.size() == 36) {
    for (size_t i = 0; i < s.size(); ++i) {
      bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash_pos != (s[i] == '-')) return std::nullopt;
      if (!dash_pos) hex.push_back(s[i]);
    }
  } else if (s.size() == 32) {
    hex = std::string(s);
  } else {
    return std::nullopt;
  }
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = static_cast<char>(
          std::tolower(static_cast<unsigned char>(hex[i * 2 + static_cast<size_t>(k)])));
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
    }
    out[i] = static_cast<uint8_t>(v);
  }
  return out;
}

Value uuid_info(const std::array<uint8_t, 16>& u) {
  Object o;
  int version = u[6] >> 4;
  o.emplace(str("version"), Value::number(version));
  const char* variant = (u[8] & 0x80) == 0      ? "Reserved"
                        : (u[8] & 0xc0) == 0x80 ? "RFC4122"
                        : (u[8] & 0xe0) == 0xc0 ? "Microsoft"
                                                : "Future";
  o.emplace(str("variant"), str(variant));
  // 100 ns intervals between 1582-10-15 and 1970-01-01.
  constexpr int64_t kGregorianOffset = 0x01B21DD213814000;
  auto be = [&](int from, int n) {
    uint64_t v = 0;
    for (int i = from; i < from + n; ++i) v = (v << 8) | u[static_cast<size_t>(i)];
    return v;
  };
  if (version == 1) {
    uint64_t ts = ((be(6, 2) & 0x0fff) << 48) | (be(4, 2) << 32) | be(0, 4);
    o.emplace(str("time"), Value::number((static_cast<int64_t>(ts) - kGregorianOffset) * 100));
    o.emplace(str("clocksequence"),
              Value::number(static_cast<int64_t>(((u[8] & 0x3f) << 8) | u[9])));
    char node[32];
    std::snprintf(node, sizeof node, "%02x-%02x-%02x-%02x-%02x-%02x", u[10], u[11], u[12], u[13],
                  u[14], u[15]);
    o.emplace(str("nodeid"), str(node));
    std::string mac = (u[10] & 0x02) ? "local" : "global";
    mac += (u[10] & 0x01) ? ":multicast" : ":unicast";
    o.emplace(str("macvariables"), str(mac));
  } else if (version == 6) {
    uint64_t ts = (be(0, 4) << 28) | (be(4, 2) << 12) | (be(6, 2) & 0x0fff);
    o.emplace(str("time"), Value::number((static_cast<int64_t>(ts) - kGregorianOffset) * 100));
  } else if (version == 7) {
    o.emplace(str("time"), Value::number(static_cast<int64_t>(be(0, 6)) * 1000000));
  }
  return Value::object(std::move(o));
}

void walk(const Value& v, Array& path, Array& out) {
  out.push_back(Value::array({Value::array(path), v}));
  auto visit = [&](const Value& key, const Value& child) {
    path.push_back(key);
    walk(child, path, out);
    path.pop_back();
  };
  if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i)
      visit(Value::number(static_cast<int64_t>(i)), v.as_array()[i]);
  } else if (v.is_object()) {
    for (const auto& [k, c] : v.as_object()) visit(k, c);
  } else if (v.is_set()) {
    for (const auto& e : v.as_set()) visit(e, e);
  }
}

}  // namespace

namespace builtins {

Array walk_pairs(const Value& v) {
  Array path;
  Array out;
  walk(v, path, out);
  return out;
}

}  // namespace builtins

void register_misc(Registry& r) {
  r.add("units.parse", {kString}, kNumber, [](Args a, BuiltinContext&) { return units_parse(a); });
  r.add("units.parse_bytes", {kString}, kNumber,
        [](Args a, BuiltinContext&) { return units_parse_bytes(a); });
  r.add("semver.is_valid", {kAny}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    return Value::boolean(a[0].is_string() && parse_semver(a[0].as_string()).has_value());
  });
  r.add(
      "semver.compare", {kString, kString}, kNumber, [](Args a, BuiltinContext&) -> Result<Value> {
        std::optional<SemVer> v[2];
        for (int i = 0; i < 2; ++i) {
          DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("semver.compare", a, i + 1));
          v[i] = parse_semver(s);
          if (!v[i]) {
            return builtin_error("semver.compare: operand " + std::to_string(i + 1) + ": string " +
                                 str(std::string(s)).to_json() + " is not a valid SemVer");
          }
        }
        return Value::number(compare_semver(*v[0], *v[1]));
      });
  BuiltinDecl uuid;
  uuid.name = "uuid.rfc4122";
  uuid.args = {kString};
  uuid.result = kString;
  uuid.nondeterministic = true;
  r.add(std::move(uuid), [](Args a, BuiltinContext& ctx) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view k, arg_string("uuid.rfc4122", a, 1));
    std::string key = "uuid.rfc4122:" + std::string(k);
    if (auto hit = ctx.cache_get(key)) return *hit;
    uint8_t b[16];
    if (RAND_bytes(b, sizeof b) != 1) return builtin_error("uuid.rfc4122: no randomness available");
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
    char buf[40];
    std::snprintf(buf, sizeof buf,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    Value v = str(buf);
    ctx.cache_put(key, v);
    return v;
  });
  r.add("uuid.parse", {kString}, kObject, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("uuid.parse", a, 1));
    auto u = parse_uuid(s);
    if (!u) return undefined_result();
    return uuid_info(*u);
  });
  // walk is a relation in OPA: the engine iterates over these pairs and unifies each with
  // the call's output term.
  r.add("walk", {kAny}, kArray, [](Args a, BuiltinContext&) -> Result<Value> {
    return Value::array(builtins::walk_pairs(a[0]));
  });
  r.add("opa.runtime", {}, kObject, [](Args, BuiltinContext&) -> Result<Value> {
    // Never expose the host environment to policies.
    Object o;
    o.emplace(str("env"), Value::empty_object());
    o.emplace(str("version"), str("0.68.0-dts"));
    o.emplace(str("commit"), str(""));
    return Value::object(std::move(o));
  });
  (void)kArray;
}

}  // namespace dts::rego
