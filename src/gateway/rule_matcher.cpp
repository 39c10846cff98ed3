#include "gateway/rule_matcher.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace dts::gateway {
namespace {

char fold(char c, bool ci) {
  return ci ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

bool path_matches(const PathMatch& m, std::string_view path) {
  switch (m.kind) {
    case PathMatchKind::kExact:
      return path == m.value;
    case PathMatchKind::kPrefix:
      // "/api/core" matches "/api/core" and "/api/core/x", not "/api/corex"; a prefix
      // ending in '/' matches exactly what starts with it.
      if (!path.starts_with(m.value)) return false;
      return m.value.back() == '/' || path.size() == m.value.size() ||
             path[m.value.size()] == '/';
    case PathMatchKind::kPattern:
      return glob_match(m.value, path);
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t, bool ci) {
  // Iterative wildcard matching with one backtrack point: O(|p|*|t|) worst case, no
  // recursion (patterns come from config, text from clients).
  size_t pi = 0, ti = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || fold(p[pi], ci) == fold(t[ti], ci)) && p[pi] != '*') {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string host_without_port(std::string_view host) {
  std::string h(host);
  if (!h.empty() && h[0] == '[') {
    size_t close = h.find(']');
    if (close != std::string::npos) h = h.substr(0, close + 1);
  } else if (size_t colon = h.rfind(':'); colon != std::string::npos) {
    h = h.substr(0, colon);
  }
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

bool rule_matches(const RuleMatch& m, const RequestFacts& f) {
  if (!m.methods.empty() &&
      std::find(m.methods.begin(), m.methods.end(), f.method) == m.methods.end()) {
    return false;
  }
  if (!m.hosts.empty() && std::none_of(m.hosts.begin(), m.hosts.end(), [&](const auto& h) {
        return glob_match(h, f.host, true);
      })) {
    return false;
  }
  if (!m.paths.empty() && std::none_of(m.paths.begin(), m.paths.end(), [&](const auto& p) {
        return path_matches(p, f.path);
      })) {
    return false;
  }
  for (const auto& hm : m.headers) {
    bool any = false;
    if (f.headers) {
      for (const auto& [name, value] : *f.headers) {
        if (!http::iequals(name, hm.name)) continue;
        for (const auto& v : hm.values) {
          if (glob_match(v, value, true)) any = true;
        }
      }
    }
    if (!any) return false;
  }
  if (!m.query.empty()) {
    auto pairs = http::parse_form(f.query);
    if (!pairs) return false;
    for (const auto& qm : m.query) {
      bool any = std::any_of(pairs->begin(), pairs->end(), [&](const auto& kv) {
        return kv.first == qm.key && glob_match(qm.value, kv.second);
      });
      if (!any) return false;
    }
  }
  return true;
}

const Rule& select_rule(const GatewayConfig& config, const RequestFacts& facts) {
  for (const auto& rule : config.rules) {
    if (rule_matches(rule.match, facts)) return rule;
  }
  return config.default_rule;
}

}  // namespace dts::gateway
