#include "gateway/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/config.hpp"

namespace dts::gateway {
namespace {

constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;
constexpr size_t kMaxRules = 1000;

// A config::Reader over one variable named after the field, so its messages name the field.
config::Env one_var(const std::string& name, const std::string& value) {
  return config::Env(std::map<std::string, std::string>{{name, value}});
}

// Walks the YAML tree, recording problems with the path of the offending field.
class Walker {
 public:
  Walker() = default;

  void error(const std::string& path, const std::string& what) {
    errors_.push_back(path + ": " + what);
  }
  const std::vector<std::string>& errors() const { return errors_; }

  // Rejects keys this parser does not know (typos must not be silently ignored).
  void known_keys(const YAML::Node& node, const std::string& path,
                  std::initializer_list<std::string_view> keys) {
    if (!node.IsMap()) return;
    for (const auto& kv : node) {
      std::string key = kv.first.Scalar();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        error(join(path, key), "unknown field");
      }
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  static std::string index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path) {
    if (!node || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
      error(path, "must be a scalar");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::string string(const YAML::Node& parent, std::string_view key, const std::string& path,
                     std::string fallback, bool required = false) {
    std::string p = join(path, key);
    auto v = scalar(parent[std::string(key)], p);
    if (!v) {
      if (required) error(p, "is required");
      return fallback;
    }
    return *v;
  }

  int64_t integer(const YAML::Node& parent, std::string_view key, const std::string& path,
                  int64_t fallback, int64_t min, int64_t max) {
    std::string p = join(path, key);
    auto v = scalar(parent[std::string(key)], p);
    if (!v) return fallback;
    config::Reader r(one_var(p, *v));
    int64_t out = r.integer(p, fallback, min, max);
    for (const auto& e : r.errors()) errors_.push_back(e);
    return out;
  }

  bool boolean(const YAML::Node& parent, std::string_view key, const std::string& path,
               bool fallback) {
    std::string p = join(path, key);
    auto v = scalar(parent[std::string(key)], p);
    if (!v) return fallback;
    config::Reader r(one_var(p, *v));
    bool out = r.boolean(p, fallback);
    for (const auto& e : r.errors()) errors_.push_back(e);
    return out;
  }

  Millis duration(const YAML::Node& parent, std::string_view key, const std::string& path,
                  Millis fallback) {
    std::string p = join(path, key);
    auto v = scalar(parent[std::string(key)], p);
    if (!v) return fallback;
    config::Reader r(one_var(p, *v));
    Millis out = r.duration(p, fallback);
    for (const auto& e : r.errors()) errors_.push_back(e);
    return out;
  }

  uint64_t bytes(const YAML::Node& parent, std::string_view key, const std::string& path,
                 uint64_t fallback) {
    std::string p = join(path, key);
    auto v = scalar(parent[std::string(key)], p);
    if (!v) return fallback;
    config::Reader r(one_var(p, *v));
    uint64_t out = r.bytes(p, fallback);
    for (const auto& e : r.errors()) errors_.push_back(e);
    return out;
  }

  // A scalar or a sequence of scalars.
  std::vector<std::string> strings(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> out;
    if (!node || node.IsNull()) return out;
    if (node.IsScalar()) {
      out.push_back(node.Scalar());
      return out;
    }
    if (!node.IsSequence()) {
      error(path, "must be a string or a list of strings");
      return out;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      auto v = scalar(node[i], index(path, i));
      if (v) out.push_back(*v);
    }
    return out;
  }

 private:
  std::vector<std::string> errors_;
};

bool valid_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c))) {
      return false;
    }
  }
  return true;
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::vector<StatusRange> parse_matcher(Walker& w, const std::string& text,
                                       const std::string& path) {
  std::vector<StatusRange> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    unsigned lo = 0, hi = 0;
    char dash = 0;
    int n = std::sscanf(part.c_str(), "%u%c%u", &lo, &dash, &hi);
    if (n == 1) hi = lo;
    if ((n != 1 && !(n == 3 && dash == '-')) || lo < 100 || hi > 599 || lo > hi) {
      w.error(path, "must be status codes like \"200\", \"200,204\" or \"200-399\", got \"" +
                        text + "\"");
      return {{200, 399}};
    }
    out.push_back({lo, hi});
  }
  if (out.empty()) w.error(path, "must not be empty");
  return out;
}

TargetGroupConfig parse_group(Walker& w, const YAML::Node& node, const std::string& path) {
  TargetGroupConfig g;
  if (!node.IsMap()) {
    w.error(path, "must be a mapping");
    return g;
  }
  w.known_keys(node, path,
               {"name", "algorithm", "targets", "health_check", "slow_start",
                "deregistration_delay", "ejection", "connect_timeout", "response_timeout",
                "fail_open"});
  g.name = w.string(node, "name", path, "", true);
  if (!g.name.empty() && !valid_name(g.name)) {
    w.error(Walker::join(path, "name"), "must be 1-64 letters, digits, '-' or '_'");
  }
  std::string algo = w.string(node, "algorithm", path, "round_robin");
  if (algo == "round_robin") {
    g.algorithm = Algorithm::kRoundRobin;
  } else if (algo == "least_outstanding_requests") {
    g.algorithm = Algorithm::kLeastOutstanding;
  } else {
    w.error(Walker::join(path, "algorithm"),
            "must be round_robin or least_outstanding_requests, got \"" + algo + "\"");
  }
  std::string tpath = Walker::join(path, "targets");
  auto targets = w.strings(node["targets"], tpath);
  std::set<std::string> seen;
  for (size_t i = 0; i < targets.size(); ++i) {
    auto t = parse_target_address(targets[i]);
    if (!t.ok()) {
      w.error(Walker::index(tpath, i), t.error().message());
    } else if (!seen.insert(t->id()).second) {
      w.error(Walker::index(tpath, i), "duplicate target " + t->id());
    } else {
      g.targets.push_back(*t);
    }
  }
  if (auto hc = node["health_check"]; hc && !hc.IsNull()) {
    std::string hp = Walker::join(path, "health_check");
    if (!hc.IsMap()) {
      w.error(hp, "must be a mapping");
    } else {
      w.known_keys(hc, hp,
                   {"enabled", "path", "interval", "timeout", "healthy_threshold",
                    "unhealthy_threshold", "matcher"});
      auto& h = g.health;
      h.enabled = w.boolean(hc, "enabled", hp, true);
      h.path = w.string(hc, "path", hp, h.path);
      if (h.path.empty() || h.path[0] != '/') {
        w.error(Walker::join(hp, "path"), "must start with '/'");
      }
      h.interval = w.duration(hc, "interval", hp, h.interval);
      h.timeout = w.duration(hc, "timeout", hp, h.timeout);
      if (h.interval < Millis(50)) w.error(Walker::join(hp, "interval"), "must be >= 50ms");
      if (h.timeout < Millis(10) || h.timeout > h.interval) {
        w.error(Walker::join(hp, "timeout"), "must be >= 10ms and <= interval");
      }
      h.healthy_threshold =
          static_cast<int>(w.integer(hc, "healthy_threshold", hp, h.healthy_threshold, 1, 10));
      h.unhealthy_threshold = static_cast<int>(
          w.integer(hc, "unhealthy_threshold", hp, h.unhealthy_threshold, 1, 10));
      if (auto m = w.scalar(hc["matcher"], Walker::join(hp, "matcher"))) {
        h.matcher = parse_matcher(w, *m, Walker::join(hp, "matcher"));
      }
    }
  }
  if (auto ej = node["ejection"]; ej && !ej.IsNull()) {
    std::string ep = Walker::join(path, "ejection");
    w.known_keys(ej, ep, {"consecutive_failures", "duration"});
    g.ejection_failures =
        static_cast<int>(w.integer(ej, "consecutive_failures", ep, g.ejection_failures, 1, 100));
    g.ejection_duration = w.duration(ej, "duration", ep, g.ejection_duration);
  }
  g.fail_open = w.boolean(node, "fail_open", path, g.fail_open);
  g.slow_start = w.duration(node, "slow_start", path, g.slow_start);
  g.deregistration_delay = w.duration(node, "deregistration_delay", path, g.deregistration_delay);
  g.connect_timeout = w.duration(node, "connect_timeout", path, g.connect_timeout);
  g.response_timeout = w.duration(node, "response_timeout", path, g.response_timeout);
  if (g.connect_timeout < Millis(1)) w.error(Walker::join(path, "connect_timeout"), "must be > 0");
  if (g.response_timeout < Millis(1)) {
    w.error(Walker::join(path, "response_timeout"), "must be > 0");
  }
  return g;
}

void parse_match(Walker& w, const YAML::Node& node, const std::string& path, RuleMatch& m) {
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) {
    w.error(path, "must be a mapping");
    return;
  }
  w.known_keys(node, path, {"host", "path", "method", "headers", "query"});
  m.hosts = w.strings(node["host"], Walker::join(path, "host"));
  for (auto& h : m.hosts) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  for (auto& meth : w.strings(node["method"], Walker::join(path, "method"))) {
    std::string up = meth;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
    if (!valid_token(up)) w.error(Walker::join(path, "method"), "bad method \"" + meth + "\"");
    m.methods.push_back(up);
  }
  if (auto p = node["path"]; p && !p.IsNull()) {
    std::string pp = Walker::join(path, "path");
    std::vector<YAML::Node> items;
    if (p.IsSequence()) {
      for (size_t i = 0; i < p.size(); ++i) items.push_back(p[i]);
    } else {
      items.push_back(p);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      std::string ip = p.IsSequence() ? Walker::index(pp, i) : pp;
      const YAML::Node& item = items[i];
      PathMatch pm;
      if (item.IsScalar()) {
        // A bare string: a pattern when it has wildcards, exact otherwise.
        pm.value = item.Scalar();
        pm.kind = pm.value.find_first_of("*?") != std::string::npos ? PathMatchKind::kPattern
                                                                     : PathMatchKind::kExact;
      } else if (item.IsMap() && item.size() == 1) {
        std::string kind = item.begin()->first.Scalar();
        auto v = w.scalar(item.begin()->second, Walker::join(ip, kind));
        pm.value = v.value_or("");
        if (kind == "exact") {
          pm.kind = PathMatchKind::kExact;
        } else if (kind == "prefix") {
          pm.kind = PathMatchKind::kPrefix;
        } else if (kind == "pattern") {
          pm.kind = PathMatchKind::kPattern;
        } else {
          w.error(Walker::join(ip, kind), "must be exact, prefix or pattern");
        }
      } else {
        w.error(ip, "must be a string or one of {exact|prefix|pattern: ...}");
        continue;
      }
      if (pm.value.empty() || pm.value[0] != '/') w.error(ip, "must start with '/'");
      m.paths.push_back(std::move(pm));
    }
  }
  if (auto h = node["headers"]; h && !h.IsNull()) {
    std::string hp = Walker::join(path, "headers");
    if (!h.IsMap()) {
      w.error(hp, "must be a mapping of header name to value(s)");
    } else {
      for (const auto& kv : h) {
        HeaderMatch hm;
        hm.name = kv.first.Scalar();
        if (!valid_token(hm.name)) w.error(Walker::join(hp, hm.name), "bad header name");
        hm.values = w.strings(kv.second, Walker::join(hp, hm.name));
        if (hm.values.empty()) hm.values.push_back("*");
        m.headers.push_back(std::move(hm));
      }
    }
  }
  if (auto q = node["query"]; q && !q.IsNull()) {
    std::string qp = Walker::join(path, "query");
    if (!q.IsMap()) {
      w.error(qp, "must be a mapping of key to value");
    } else {
      for (const auto& kv : q) {
        QueryMatch qm{kv.first.Scalar(), w.scalar(kv.second, Walker::join(qp, kv.first.Scalar()))
                                             .value_or("*")};
        m.query.push_back(std::move(qm));
      }
    }
  }
}

void parse_action(Walker& w, const YAML::Node& node, const std::string& path, Action& a) {
  if (!node || !node.IsMap() || node.size() != 1) {
    w.error(path, "must be exactly one of forward, fixed_response, redirect, static");
    return;
  }
  std::string kind = node.begin()->first.Scalar();
  const YAML::Node body = node.begin()->second;
  std::string kp = Walker::join(path, kind);
  if (kind == "forward") {
    a.kind = ActionKind::kForward;
    if (body.IsScalar()) {
      a.forward.push_back({body.Scalar(), 1});
    } else if (body.IsSequence() && body.size() > 0) {
      for (size_t i = 0; i < body.size(); ++i) {
        std::string ip = Walker::index(kp, i);
        const YAML::Node item = body[i];
        if (!item.IsMap()) {
          w.error(ip, "must be {group: NAME, weight: N}");
          continue;
        }
        w.known_keys(item, ip, {"group", "weight"});
        WeightedGroup g;
        g.group = w.string(item, "group", ip, "", true);
        g.weight = static_cast<unsigned>(w.integer(item, "weight", ip, 1, 0, 1000));
        a.forward.push_back(std::move(g));
      }
    } else {
      w.error(kp, "must be a group name or a non-empty list of {group, weight}");
    }
  } else if (kind == "fixed_response") {
    a.kind = ActionKind::kFixedResponse;
    w.known_keys(body, kp, {"status", "content_type", "body"});
    a.fixed.status = static_cast<unsigned>(w.integer(body, "status", kp, 200, 200, 599));
    a.fixed.content_type = w.string(body, "content_type", kp, a.fixed.content_type);
    a.fixed.body = w.string(body, "body", kp, "");
  } else if (kind == "redirect") {
    a.kind = ActionKind::kRedirect;
    w.known_keys(body, kp, {"status", "location"});
    a.redirect.status = static_cast<unsigned>(w.integer(body, "status", kp, 302, 300, 308));
    if (a.redirect.status < 301 || a.redirect.status == 304 || a.redirect.status == 305 ||
        a.redirect.status == 306) {
      w.error(Walker::join(kp, "status"), "must be 301, 302, 303, 307 or 308");
    }
    a.redirect.location = w.string(body, "location", kp, "", true);
  } else if (kind == "static") {
    a.kind = ActionKind::kStatic;
  } else {
    w.error(kp, "unknown action (forward, fixed_response, redirect, static)");
  }
}

Rule parse_rule(Walker& w, const YAML::Node& node, const std::string& path, bool is_default) {
  Rule r;
  if (!node.IsMap()) {
    w.error(path, "must be a mapping");
    return r;
  }
  if (is_default) {
    w.known_keys(node, path, {"action", "protected", "max_body_bytes", "timeout"});
    r.name = "default";
  } else {
    w.known_keys(node, path,
                 {"name", "priority", "match", "action", "protected", "strip_prefix",
                  "max_body_bytes", "timeout"});
    r.name = w.string(node, "name", path, "", true);
    if (!r.name.empty() && !valid_name(r.name)) {
      w.error(Walker::join(path, "name"), "must be 1-64 letters, digits, '-' or '_'");
    }
    r.priority = static_cast<int>(w.integer(node, "priority", path, 0, -1000000, 1000000));
    parse_match(w, node["match"], Walker::join(path, "match"), r.match);
    r.strip_prefix = w.string(node, "strip_prefix", path, "");
    if (!r.strip_prefix.empty() && (r.strip_prefix[0] != '/' || r.strip_prefix.back() == '/')) {
      w.error(Walker::join(path, "strip_prefix"), "must start with '/' and not end with '/'");
    }
  }
  r.protected_route = w.boolean(node, "protected", path, false);
  r.max_body_bytes = w.bytes(node, "max_body_bytes", path, 0);
  if (node["timeout"]) r.timeout = w.duration(node, "timeout", path, Millis(30'000));
  parse_action(w, node["action"], Walker::join(path, "action"), r.action);
  return r;
}

// ${NAME} / ${NAME:-default}; an unset variable without default is an error.
Result<std::string> substitute(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t end = text.find('}', i + 2);
      if (end == std::string_view::npos) return invalid_argument("unterminated ${ in config");
      std::string_view inner = text.substr(i + 2, end - i - 2);
      std::string_view name = inner;
      std::optional<std::string> fallback;
      if (size_t d = inner.find(":-"); d != std::string_view::npos) {
        name = inner.substr(0, d);
        fallback = std::string(inner.substr(d + 2));
      }
      auto v = env ? env(name) : std::nullopt;
      if (v && v->empty()) v.reset();
      if (!v && !fallback) {
        return invalid_argument("${" + std::string(name) + "}: variable not set and no default");
      }
      out += v ? *v : *fallback;
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

const TargetGroupConfig* GatewayConfig::group(std::string_view name) const {
  for (const auto& g : groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<TargetAddress> parse_target_address(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return invalid_argument("must be host:port, got \"" + std::string(text) + "\"");
  }
  TargetAddress t;
  t.host = std::string(text.substr(0, colon));
  std::string_view port = text.substr(colon + 1);
  unsigned long p = 0;
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (p = std::stoul(std::string(port))) == 0 || p > 65535) {
    return invalid_argument("port must be 1-65535, got \"" + std::string(text) + "\"");
  }
  for (char c : t.host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) {
      return invalid_argument("bad host in \"" + std::string(text) + "\"");
    }
  }
  t.port = static_cast<uint16_t>(p);
  return t;
}

Result<GatewayConfig> parse_config(std::string_view yaml_text, const EnvLookup& env,
                                   uint64_t body_cap) {
  if (yaml_text.size() > kMaxConfigBytes) return invalid_argument("config file over 4 MiB");
  DTS_ASSIGN_OR_RETURN(std::string text, substitute(yaml_text, env));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return invalid_argument("config: YAML syntax error at line " +
                            std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  Walker w;
  GatewayConfig c;
  if (!root.IsMap()) return invalid_argument("config: the document must be a mapping");
  try {
    w.known_keys(root, "",
                 {"target_groups", "rules", "default_action", "default", "max_body_bytes",
                  "cors", "security_headers"});
    c.max_body_bytes = w.bytes(root, "max_body_bytes", "", c.max_body_bytes);
    c.security_headers = w.boolean(root, "security_headers", "", true);
    if (auto g = root["target_groups"]; g && !g.IsNull()) {
      if (!g.IsSequence()) {
        w.error("target_groups", "must be a list");
      } else {
        std::set<std::string> names;
        for (size_t i = 0; i < g.size(); ++i) {
          auto group = parse_group(w, g[i], Walker::index("target_groups", i));
          if (!group.name.empty() && !names.insert(group.name).second) {
            w.error(Walker::index("target_groups", i) + ".name",
                    "duplicate target group \"" + group.name + "\"");
          }
          c.groups.push_back(std::move(group));
        }
      }
    }
    if (auto rules = root["rules"]; rules && !rules.IsNull()) {
      if (!rules.IsSequence()) {
        w.error("rules", "must be a list");
      } else if (rules.size() > kMaxRules) {
        w.error("rules", "at most 1000 rules");
      } else {
        std::set<std::string> names;
        for (size_t i = 0; i < rules.size(); ++i) {
          std::string rp = Walker::index("rules", i);
          auto rule = parse_rule(w, rules[i], rp, false);
          if (!rule.name.empty() && !names.insert(rule.name).second) {
            w.error(rp + ".name", "duplicate rule \"" + rule.name + "\"");
          }
          c.rules.push_back(std::move(rule));
        }
      }
    }
    // `default` holds rule options for the default action; `default_action` is the short form.
    if (auto d = root["default"]; d && !d.IsNull()) {
      c.default_rule = parse_rule(w, d, "default", true);
    } else if (auto da = root["default_action"]; da && !da.IsNull()) {
      parse_action(w, da, "default_action", c.default_rule.action);
      c.default_rule.name = "default";
    } else {
      c.default_rule.name = "default";
      c.default_rule.action.kind = ActionKind::kFixedResponse;
      c.default_rule.action.fixed = {404, "application/problem+json", ""};
    }
    if (auto cors = root["cors"]; cors && !cors.IsNull()) {
      w.known_keys(cors, "cors",
                   {"allowed_origins", "allowed_methods", "allowed_headers", "max_age",
                    "allow_credentials"});
      c.cors.allowed_origins = w.strings(cors["allowed_origins"], "cors.allowed_origins");
      if (cors["allowed_methods"]) {
        c.cors.allowed_methods = w.strings(cors["allowed_methods"], "cors.allowed_methods");
      }
      if (cors["allowed_headers"]) {
        c.cors.allowed_headers = w.strings(cors["allowed_headers"], "cors.allowed_headers");
      }
      c.cors.max_age = w.duration(cors, "max_age", "cors", c.cors.max_age);
      c.cors.allow_credentials = w.boolean(cors, "allow_credentials", "cors", true);
      for (const auto& o : c.cors.allowed_origins) {
        if (o == "*" && c.cors.allow_credentials) {
          w.error("cors.allowed_origins", "\"*\" cannot be combined with allow_credentials");
        }
      }
    }
  } catch (const YAML::Exception& e) {
    w.error("config", std::string("unexpected structure: ") + e.what());
  }
  // Cross-field checks: every forward names a known group, limits under the process cap.
  auto check_rule = [&](const Rule& r, const std::string& path) {
    if (r.action.kind == ActionKind::kForward) {
      unsigned total = 0;
      for (size_t i = 0; i < r.action.forward.size(); ++i) {
        const auto& wg = r.action.forward[i];
        total += wg.weight;
        if (!wg.group.empty() && !c.group(wg.group)) {
          w.error(path + ".action.forward[" + std::to_string(i) + "].group",
                  "unknown target group \"" + wg.group + "\"");
        }
      }
      if (total == 0 && !r.action.forward.empty()) {
        w.error(path + ".action.forward", "weights must not all be 0");
      }
    }
    if (r.max_body_bytes > body_cap) {
      w.error(path + ".max_body_bytes",
              "over the gateway's cap GATEWAY_MAX_BODY_BYTES (" + std::to_string(body_cap) + ")");
    }
  };
  for (size_t i = 0; i < c.rules.size(); ++i) check_rule(c.rules[i], Walker::index("rules", i));
  check_rule(c.default_rule, "default");
  if (c.max_body_bytes > body_cap) {
    w.error("max_body_bytes", "over the gateway's cap GATEWAY_MAX_BODY_BYTES");
  }
  if (!w.errors().empty()) {
    std::string msg = "config: ";
    for (size_t i = 0; i < w.errors().size(); ++i) {
      if (i) msg += "; ";
      msg += w.errors()[i];
    }
    return invalid_argument(msg);
  }
  std::stable_sort(c.rules.begin(), c.rules.end(),
                   [](const Rule& a, const Rule& b) { return a.priority < b.priority; });
  for (auto& r : c.rules) {
    if (r.max_body_bytes == 0) r.max_body_bytes = c.max_body_bytes;
  }
  if (c.default_rule.max_body_bytes == 0) c.default_rule.max_body_bytes = c.max_body_bytes;
  return c;
}

Result<GatewayConfig> load_config(const std::string& path, const EnvLookup& env,
                                  uint64_t body_cap) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("config: cannot read " + path);
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  auto parsed = parse_config(text, env, body_cap);
  if (!parsed.ok()) return invalid_argument(path + ": " + parsed.error().message());
  return parsed;
}

}  // namespace dts::gateway
