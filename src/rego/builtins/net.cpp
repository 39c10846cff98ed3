// net.cidr_* builtins for IPv4 and IPv6 (Go net.ParseIP / ParseCIDR rules).
#include <algorithm>
#include <cstdio>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kObject;
using types::kSet;
using types::kString;
using Args = std::span<const Value>;
using U128 = unsigned __int128;

struct Net {
  U128 addr = 0;  // the address as given (host bits kept)
  int bits = 0;   // prefix length
  bool v4 = false;
  int width() const { return v4 ? 32 : 128; }
  U128 mask() const {
    if (bits == 0) return 0;
    U128 all = v4 ? U128(0xffffffffu) : ~U128(0);
    return (all << (width() - bits)) & all;
  }
  U128 first() const { return addr & mask(); }
  U128 last() const { return first() | (~mask() & (v4 ? U128(0xffffffffu) : ~U128(0))); }
};

std::optional<uint32_t> parse_v4(std::string_view s) {
  uint32_t out = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    size_t b = i;
    uint32_t v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - b < 4) {
      v = v * 10 + static_cast<uint32_t>(s[i++] - '0');
    }
    if (v > 255 || (i - b > 1 && s[b] == '0')) return std::nullopt;  // Go rejects leading zeros
    out = (out << 8) | v;
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

std::optional<U128> parse_v6(std::string_view s) {
  std::vector<uint16_t> head, tail;
  bool gap = false;
  size_t i = 0;
  if (s.starts_with("::")) {
    gap = true;
    i = 2;
  }
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != ':') ++j;
    std::string_view group = s.substr(i, j - i);
    auto& dst = gap ? tail : head;
    if (group.find('.') != std::string_view::npos) {
      if (j != s.size()) return std::nullopt;
      auto v4 = parse_v4(group);
      if (!v4) return std::nullopt;
      dst.push_back(static_cast<uint16_t>(*v4 >> 16));
      dst.push_back(static_cast<uint16_t>(*v4 & 0xffff));
      i = j;
      break;
    }
    if (group.empty() || group.size() > 4) return std::nullopt;
    uint16_t v = 0;
    for (char c : group) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = static_cast<uint16_t>(v * 16 + (std::isdigit(static_cast<unsigned char>(c))
                                              ? c - '0'
                                              : (std::tolower(c) - 'a' + 10)));
    }
    dst.push_back(v);
    i = j;
    if (i < s.size()) {
      if (s.substr(i, 2) == "::") {
        if (gap) return std::nullopt;
        gap = true;
        i += 2;
      } else {
        ++i;
        if (i == s.size()) return std::nullopt;  // trailing single colon
      }
    }
  }
  size_t n = head.size() + tail.size();
  if ((gap && n > 7) || (!gap && n != 8)) return std::nullopt;
  std::vector<uint16_t> all = head;
  all.resize(8 - tail.size(), 0);
  all.insert(all.end(), tail.begin(), tail.end());
  U128 out = 0;
  for (uint16_t g : all) out = (out << 16) | g;
  return out;
}

std::optional<Net> parse_ip(std::string_view s) {
  if (auto v4 = parse_v4(s)) return Net{*v4, 32, true};
  if (s.find(':') == std::string_view::npos) return std::nullopt;
  if (auto v6 = parse_v6(s)) return Net{*v6, 128, false};
  return std::nullopt;
}

std::optional<Net> parse_cidr(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(s.substr(0, slash));
  std::string_view len = s.substr(slash + 1);
  if (!ip || len.empty() || len.size() > 3 || (len.size() > 1 && len[0] == '0'))
    return std::nullopt;
  int bits = 0;
  for (char c : len) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    bits = bits * 10 + (c - '0');
  }
  if (bits > ip->width()) return std::nullopt;
  ip->bits = bits;
  return ip;
}

std::string format_ip(U128 a, bool v4) {
  char buf[64];
  if (v4) {
    auto v = static_cast<uint32_t>(a);
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
                  v & 255);
    return buf;
  }
  uint16_t g[8];
  for (int k = 7; k >= 0; --k, a >>= 16) g[k] = static_cast<uint16_t>(a & 0xffff);
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first on ties.
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[e] == 0) ++e;
    if (e - k > best_len && e - k >= 2) {
      best = k;
      best_len = e - k;
    }
    k = e;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ":";
    std::snprintf(buf, sizeof buf, "%x", g[k]);
    out += buf;
  }
  return out;
}

Result<Net> cidr_arg(std::string_view fn, Args a, int index) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, index));
  auto n = parse_cidr(s);
  if (!n) return builtin_error(std::string(fn) + ": invalid CIDR address: " + std::string(s));
  return *n;
}

// The CIDR or single IP on the right of cidr_contains / cidr_contains_matches.
std::optional<Net> cidr_or_ip(std::string_view s) {
  if (s.find('/') != std::string_view::npos) return parse_cidr(s);
  return parse_ip(s);
}

bool contains(const Net& outer, const Net& inner) {
  if (outer.v4 != inner.v4) return false;
  return inner.first() >= outer.first() && inner.last() <= outer.last();
}

Result<Value> cidr_merge(Args a) {
  const char* fn = "net.cidr_merge";
  DTS_ASSIGN_OR_RETURN(auto items, builtins::arg_string_elements(fn, a, 1));
  std::vector<Net> nets;
  for (const auto& s : items) {
    auto n = cidr_or_ip(s);
    if (!n) return builtin_error(std::string(fn) + ": IP address or CIDR invalid: " + s);
    n->addr = n->first();
    nets.push_back(*n);
  }
  // Sort by family, then start, then larger networks first; drop covered ones; then merge
  // sibling pairs until nothing changes.
  auto order = [](const Net& x, const Net& y) {
    if (x.v4 != y.v4) return x.v4;
    if (x.addr != y.addr) return x.addr < y.addr;
    return x.bits < y.bits;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    std::sort(nets.begin(), nets.end(), order);
    std::vector<Net> out;
    for (const auto& n : nets) {
      if (!out.empty() && contains(out.back(), n)) {
        changed = changed || false;
        continue;
      }
      if (!out.empty() && out.back().v4 == n.v4 && out.back().bits == n.bits && n.bits > 0) {
        Net parent = out.back();
        parent.bits -= 1;
        if (parent.first() == out.back().addr && parent.last() == n.last()) {
          parent.addr = parent.first();
          out.back() = parent;
          changed = true;
          continue;
        }
      }
      out.push_back(n);
    }
    nets = std::move(out);
  }
  Set result;
  for (const auto& n : nets) {
    result.insert(str(format_ip(n.addr, n.v4) + "/" + std::to_string(n.bits)));
  }
  return Value::set(std::move(result));
}

Result<Value> cidr_expand(Args a, BuiltinContext& ctx) {
  const char* fn = "net.cidr_expand";
  DTS_ASSIGN_OR_RETURN(Net n, cidr_arg(fn, a, 1));
  constexpr int kMaxHostBits = 16;  // bound the result: 65536 addresses
  if (n.width() - n.bits > kMaxHostBits) {
    return builtin_error(std::string(fn) + ": CIDR range too large to expand");
  }
  Set out;
  for (U128 x = n.first();; ++x) {
    if (ctx.cancelled()) return cancelled_error();
    out.insert(str(format_ip(x, n.v4)));
    if (x == n.last()) break;
  }
  return Value::set(std::move(out));
}

// (key, cidr-or-ip string) pairs of a cidr_contains_matches operand.
Result<std::vector<std::pair<Value, std::string>>> match_items(std::string_view fn, const Value& v,
                                                               int index) {
  std::vector<std::pair<Value, std::string>> out;
  auto take = [&](const Value& key, const Value& item) -> Result<bool> {
    const Value* s = &item;
    if (item.is_array() && !item.as_array().empty()) s = &item.as_array()[0];
    if (!s->is_string()) {
      return operand_error(fn, index, "string or array of strings/tuples", item);
    }
    out.emplace_back(key, s->as_string());
    return true;
  };
  if (v.is_string()) {
    DTS_TRY(take(v, v));
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      DTS_TRY(take(Value::number(static_cast<int64_t>(i)), v.as_array()[i]));
    }
  } else if (v.is_set()) {
    for (const auto& e : v.as_set()) DTS_TRY(take(e, e));
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object()) DTS_TRY(take(k, e));
  } else {
    return operand_error(fn, index, "one of {string, array, set, object}", v);
  }
  return out;
}

Result<Value> contains_matches(Args a) {
  const char* fn = "net.cidr_contains_matches";
  DTS_ASSIGN_OR_RETURN(auto cidrs, match_items(fn, a[0], 1));
  DTS_ASSIGN_OR_RETURN(auto targets, match_items(fn, a[1], 2));
  Set out;
  for (const auto& [ck, cs] : cidrs) {
    auto c = parse_cidr(cs);
    if (!c) return builtin_error(std::string(fn) + ": invalid CIDR address: " + cs);
    for (const auto& [tk, ts] : targets) {
      auto t = cidr_or_ip(ts);
      if (!t) return builtin_error(std::string(fn) + ": invalid IP address or CIDR: " + ts);
      if (contains(*c, *t)) out.insert(Value::array({ck, tk}));
    }
  }
  return Value::set(std::move(out));
}

}  // namespace

void register_net(Registry& r) {
  r.add(
      "net.cidr_contains", {kString, kString}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
        DTS_ASSIGN_OR_RETURN(Net outer, cidr_arg("net.cidr_contains", a, 1));
        DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("net.cidr_contains", a, 2));
        auto inner = cidr_or_ip(s);
        if (!inner) {
          return builtin_error("net.cidr_contains: invalid IP address or CIDR: " + std::string(s));
        }
        return Value::boolean(contains(outer, *inner));
      });
  // Deprecated alias of net.cidr_contains for a single IP.
  r.add("net.cidr_overlap", {kString, kString}, kBool,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(Net outer, cidr_arg("net.cidr_overlap", a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("net.cidr_overlap", a, 2));
          auto ip = parse_ip(s);
          if (!ip) {
            return builtin_error("net.cidr_overlap: invalid IP address: " + std::string(s));
          }
          return Value::boolean(contains(outer, *ip));
        });
  r.add("net.cidr_intersects", {kString, kString}, kBool,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(Net x, cidr_arg("net.cidr_intersects", a, 1));
          DTS_ASSIGN_OR_RETURN(Net y, cidr_arg("net.cidr_intersects", a, 2));
          return Value::boolean(x.v4 == y.v4 && x.first() <= y.last() && y.first() <= x.last());
        });
  r.add("net.cidr_is_valid", {kAny}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    return Value::boolean(a[0].is_string() && parse_cidr(a[0].as_string()).has_value());
  });
  r.add("net.cidr_expand", {kString}, kSet,
        [](Args a, BuiltinContext& ctx) { return cidr_expand(a, ctx); });
  r.add("net.cidr_merge", {kArray | kSet}, kSet,
        [](Args a, BuiltinContext&) { return cidr_merge(a); });
  r.add("net.cidr_contains_matches", {kAny, kAny}, kSet,
        [](Args a, BuiltinContext&) { return contains_matches(a); });
  (void)kObject;
  (void)kArray;
}

}  // namespace dts::rego
