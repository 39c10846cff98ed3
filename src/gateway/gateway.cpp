#include "gateway/gateway.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cctype>

#include "common/http/problem.hpp"
#include "common/log.hpp"
#include "gateway/path_normalizer.hpp"
#include "gateway/proxy.hpp"
#include "gateway/proxy_headers.hpp"
#include "gateway/rule_matcher.hpp"

namespace asio = boost::asio;

namespace dts::gateway {
namespace {

http::StreamOutcome respond(http::Response response) {
  http::StreamOutcome o;
  o.status = response.status;
  o.response = std::move(response);
  return o;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Request smuggling defences beyond the parser's (which already rejects Content-Length
// with Transfer-Encoding, conflicting Content-Lengths and bad chunk framing): a
// Transfer-Encoding other than exactly "chunked", or given twice, and a missing or
// repeated Host on HTTP/1.1 are refused, so no hop can read the framing differently.
std::optional<std::string> framing_problem(const http::Request& req) {
  int te = 0, host = 0;
  for (const auto& [name, value] : req.headers) {
    if (http::iequals(name, "Transfer-Encoding")) {
      ++te;
      if (!http::iequals(trim(value), "chunked")) {
        return "unsupported Transfer-Encoding \"" + value + "\"";
      }
    } else if (http::iequals(name, "Host")) {
      ++host;
    }
  }
  if (te > 1) return "repeated Transfer-Encoding";
  if (host > 1) return "repeated Host header";
  if (host == 0 && req.version >= 11) return "request without Host header";
  // A Host with anything but name/address characters (a folded line, spaces, a path)
  // would be read differently by the next hop.
  for (char c : req.header("Host")) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']' || c == '_')) {
      return "malformed Host header";
    }
  }
  if (req.target.empty() || req.target[0] != '/') return "request target must be a path";
  return std::nullopt;
}

std::string substitute_redirect(const std::string& tpl, std::string_view host,
                                std::string_view path, std::string_view query) {
  std::string out;
  size_t i = 0;
  while (i < tpl.size()) {
    if (tpl.compare(i, 7, "#{host}") == 0) {
      out += host;
      i += 7;
    } else if (tpl.compare(i, 7, "#{path}") == 0) {
      out += path;
      i += 7;
    } else if (tpl.compare(i, 8, "#{query}") == 0) {
      out += query;
      i += 8;
    } else {
      out += tpl[i++];
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Gateway::Gateway(GatewayOptions options, asio::any_io_executor executor,
                 metrics::Registry& registry)
    : options_(std::move(options)),
      metrics_(registry),
      pool_(executor, options_.upstream),
      site_(options_.web_root) {}

std::shared_ptr<const Gateway::Routing> Gateway::routing() const {
  std::lock_guard lock(mu_);
  return routing_;
}

uint64_t Gateway::config_generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void Gateway::apply(GatewayConfig config) {
  auto next = std::make_shared<Routing>();
  std::lock_guard lock(mu_);
  for (const auto& gc : config.groups) {
    auto it = all_groups_.find(gc.name);
    if (it == all_groups_.end()) {
      it = all_groups_.emplace(gc.name, std::make_shared<TargetGroup>(gc)).first;
      it->second->count_fail_open_in(&metrics_.fail_open_counter(gc.name));
    } else {
      it->second->update(gc);
    }
    next->groups[gc.name] = it->second;
  }
  // Groups dropped from the file: their targets drain; the group object lives on for
  // in-flight requests and the admin listing until it is empty.
  for (auto it = all_groups_.begin(); it != all_groups_.end();) {
    if (next->groups.count(it->first) == 0) {
      for (const auto& t : it->second->snapshot()) (void)it->second->deregister_target(t.id);
      if (it->second->snapshot().empty()) {
        it = all_groups_.erase(it);
        continue;
      }
    }
    ++it;
  }
  next->config = std::move(config);
  routing_ = std::move(next);
  ++generation_;
}

Status Gateway::reload() {
  auto parsed = load_config(options_.config_path, options_.env, options_.body_cap);
  if (!parsed.ok()) {
    log::error("config reload failed; keeping the previous configuration",
               {{"path", options_.config_path}, {"error", parsed.error().message()}});
    return parsed.error();
  }
  size_t rules = parsed->rules.size();
  size_t groups = parsed->groups.size();
  apply(std::move(parsed).value());
  log::info("config loaded", {{"path", options_.config_path},
                              {"rules", rules},
                              {"target_groups", groups},
                              {"generation", config_generation()}});
  return ok_status();
}

std::shared_ptr<TargetGroup> Gateway::group(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = all_groups_.find(name);
  return it == all_groups_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<TargetGroup>> Gateway::groups() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<TargetGroup>> out;
  for (const auto& [_, g] : all_groups_) out.push_back(g);
  return out;
}

boost::json::value Gateway::describe() const {
  boost::json::array groups_json;
  for (const auto& g : groups()) {
    boost::json::array targets;
    for (const auto& t : g->snapshot()) {
      targets.push_back(boost::json::object{{"id", t.id},
                                            {"health", t.health},
                                            {"reason", t.reason},
                                            {"outstanding", t.outstanding},
                                            {"ejected", t.ejected},
                                            {"slow_start", t.in_slow_start},
                                            {"static", t.from_config},
                                            {"requests", t.requests}});
    }
    auto cfg = g->config();
    groups_json.push_back(boost::json::object{
        {"name", g->name()},
        {"algorithm", cfg.algorithm == Algorithm::kRoundRobin ? "round_robin"
                                                              : "least_outstanding_requests"},
        {"fail_open", cfg.fail_open},
        {"fail_open_requests", g->fail_open_picks()},
        {"targets", std::move(targets)}});
  }
  return boost::json::object{{"generation", config_generation()},
                             {"target_groups", std::move(groups_json)}};
}

TargetGroup* Gateway::choose_group(const Routing& routing, const Rule& rule) {
  const auto& fw = rule.action.forward;
  unsigned total = 0;
  for (const auto& w : fw) total += w.weight;
  if (total == 0) return nullptr;
  // Weighted round robin over a counter: deterministic shares, no RNG per request.
  unsigned slot = static_cast<unsigned>(pick_counter_.fetch_add(1) % total);
  for (const auto& w : fw) {
    if (slot < w.weight) {
      auto it = routing.groups.find(w.group);
      return it == routing.groups.end() ? nullptr : it->second.get();
    }
    slot -= w.weight;
  }
  return nullptr;
}

void Gateway::decorate(const Routing& routing, const http::Request& req, http::Headers& h) {
  if (routing.config.security_headers) add_security_headers(h);
  std::string_view origin = req.header("Origin");
  if (origin.empty()) return;
  const auto& cors = routing.config.cors;
  bool any = false, exact = false;
  for (const auto& o : cors.allowed_origins) {
    if (o == "*") any = true;
    if (o == origin) exact = true;
  }
  if (!exact && !any) return;
  h.set("Access-Control-Allow-Origin", exact ? origin : "*");
  if (exact && cors.allow_credentials) h.set("Access-Control-Allow-Credentials", "true");
  h.set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, WWW-Authenticate");
  h.add("Vary", "Origin");
}

std::optional<http::Response> Gateway::preflight(const Routing& routing,
                                                 const http::Request& req) {
  if (req.method != "OPTIONS" || req.header("Origin").empty() ||
      req.header("Access-Control-Request-Method").empty()) {
    return std::nullopt;
  }
  http::Response r = http::Response::empty(204);
  const auto& cors = routing.config.cors;
  r.headers.set("Access-Control-Allow-Methods", join(cors.allowed_methods));
  r.headers.set("Access-Control-Allow-Headers", join(cors.allowed_headers));
  r.headers.set("Access-Control-Max-Age",
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(cors.max_age)
                                   .count()));
  return r;
}

asio::awaitable<http::StreamOutcome> Gateway::handle(http::Request& req, http::BodyReader& body,
                                                     http::ResponseWriter& out) {
  auto started = Clock::now();
  auto routing_ptr = routing();
  const Routing& routing = *routing_ptr;
  http::StreamOutcome outcome;
  std::string group_label = "-";
  std::string rule_name = "-";
  std::string decision = "none";
  std::string principal, tenant;

  if (auto bad = framing_problem(req)) {
    metrics_.rejected("bad_framing");
    outcome = respond(http::problem(400, *bad, req.request_id));
    outcome.close_connection = true;
  } else if (auto norm = normalize_path(req.path); !norm.ok()) {
    metrics_.rejected("bad_path");
    outcome = respond(http::problem(400, norm.error().message(), req.request_id));
  } else {
    const std::string path = std::move(norm).value();
    std::string host = host_without_port(req.header("Host"));
    RequestFacts facts{req.method, host, path, req.query, &req.headers};
    const Rule& rule = select_rule(routing.config, facts);
    rule_name = rule.name;
    req.route = rule.name;
    body.limit(rule.max_body_bytes);
    auto declared = body.content_length();
    if (declared && *declared > rule.max_body_bytes) {
      metrics_.rejected("body_too_large");
      outcome = respond(http::problem(
          413, "body larger than " + std::to_string(rule.max_body_bytes) + " bytes",
          req.request_id));
    } else if (auto pre = preflight(routing, req)) {
      outcome = respond(std::move(*pre));
    } else {
      strip_internal_headers(req.headers);
      std::string upstream_path = path;
      if (!rule.strip_prefix.empty() && upstream_path.starts_with(rule.strip_prefix)) {
        upstream_path = upstream_path.substr(rule.strip_prefix.size());
        if (upstream_path.empty() || upstream_path[0] != '/') upstream_path = "/" + upstream_path;
      }
      bool allowed = true;
      http::Headers pep_upstream;
      if (rule.protected_route) {
        if (!enforcer_) {
          // Fail closed: a protected route never reaches a service unchecked.
          metrics_.rejected("no_enforcer");
          decision = "deny";
          outcome = respond(http::problem(503, "policy enforcement is not configured",
                                          req.request_id));
          allowed = false;
        } else {
          EnforcementResult verdict = co_await enforcer_(req, path, upstream_path);
          principal = verdict.principal;
          tenant = verdict.tenant;
          decision = verdict.allow ? "allow" : "deny";
          if (!verdict.allow) {
            metrics_.rejected(verdict.status == 401   ? "unauthenticated"
                              : verdict.status == 429 ? "rate_limited"
                                                      : "forbidden");
            http::Response r = http::problem(verdict.status, verdict.detail, req.request_id);
            for (const auto& [n, v] : verdict.response_headers) r.headers.set(n, v);
            outcome = respond(std::move(r));
            allowed = false;
          } else {
            pep_upstream = std::move(verdict.upstream_headers);
          }
        }
      }
      if (allowed) {
        switch (rule.action.kind) {
          case ActionKind::kFixedResponse: {
            http::Response r;
            r.status = rule.action.fixed.status;
            r.body = rule.action.fixed.body;
            if (r.status == 404 && r.body.empty()) {
              r = http::problem(404, "no route for " + path, req.request_id);
            } else {
              r.headers.set("Content-Type", rule.action.fixed.content_type);
            }
            outcome = respond(std::move(r));
            break;
          }
          case ActionKind::kRedirect: {
            http::Response r = http::Response::empty(rule.action.redirect.status);
            r.headers.set("Location", substitute_redirect(rule.action.redirect.location, host,
                                                          path, req.query));
            outcome = respond(std::move(r));
            break;
          }
          case ActionKind::kStatic:
            outcome = respond(site_.serve(req, path));
            break;
          case ActionKind::kForward: {
            TargetGroup* group = choose_group(routing, rule);
            if (!group) {
              outcome = respond(http::problem(503, "no target group for rule " + rule.name,
                                              req.request_id));
              break;
            }
            group_label = group->name();
            ForwardPlan plan;
            plan.group = group;
            plan.rule = &rule;
            plan.target = req.query.empty() ? upstream_path : upstream_path + "?" + req.query;
            plan.headers = upstream_headers(req);
            for (const auto& [n, v] : pep_upstream) plan.headers.set(n, v);
            decorate(routing, req, plan.response_extra);
            outcome = co_await forward(pool_, metrics_, std::move(plan), req, body, out);
            break;
          }
        }
      }
    }
  }
  if (outcome.response) decorate(routing, req, outcome.response->headers);
  unsigned status = outcome.response ? outcome.response->status : outcome.status;
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics_.request(rule_name, group_label, status, seconds);
  outcome.log_fields["rule"] = rule_name;
  outcome.log_fields["decision"] = decision;
  if (!principal.empty()) outcome.log_fields["principal"] = principal;
  if (!tenant.empty()) outcome.log_fields["tenant"] = tenant;
  co_return outcome;
}

}  // namespace dts::gateway
