#pragma once
// The gateway's routing configuration (the ALB's listener rules and target groups), read
// from a YAML file (GATEWAY_CONFIG). Parsing validates everything and names the field of
// every problem ("rules[2].action.forward[0].group: unknown target group \"core\""), so a
// bad file stops start-up, and a bad reload keeps the previous configuration.
//
// `${NAME}` and `${NAME:-default}` in the file are replaced by environment variables
// before parsing (ports shift with DTS_PORT_OFFSET in `dts up`).
//
// Plain values, immutable once parsed: shared between threads freely.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace dts::gateway {

using Millis = std::chrono::milliseconds;

enum class PathMatchKind { kExact, kPrefix, kPattern };

struct PathMatch {
  PathMatchKind kind = PathMatchKind::kPrefix;
  std::string value;  // pattern: '*' any run of characters, '?' one character
};

struct HeaderMatch {
  std::string name;
  std::vector<std::string> values;  // glob patterns; any may match (case-insensitive)
};

struct QueryMatch {
  std::string key;
  std::string value;  // glob pattern on the decoded value
};

// Every listed condition must hold; inside a list, any entry may match.
struct RuleMatch {
  std::vector<std::string> hosts;    // glob, case-insensitive, without port
  std::vector<PathMatch> paths;
  std::vector<std::string> methods;  // upper-case
  std::vector<HeaderMatch> headers;
  std::vector<QueryMatch> query;
};

struct WeightedGroup {
  std::string group;
  unsigned weight = 1;
};

struct FixedResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// `location` may use #{host}, #{path} and #{query} (the request's, path normalized).
struct Redirect {
  unsigned status = 302;
  std::string location;
};

enum class ActionKind { kForward, kFixedResponse, kRedirect, kStatic };

struct Action {
  ActionKind kind = ActionKind::kStatic;
  std::vector<WeightedGroup> forward;
  FixedResponse fixed;
  Redirect redirect;
};

struct Rule {
  std::string name;
  int priority = 0;       // lower first; equal priorities keep file order
  RuleMatch match;
  Action action;
  bool protected_route = false;  // needs the PEP's allow (JWT + policy)
  std::string strip_prefix;      // removed from the path before forwarding
  uint64_t max_body_bytes = 0;   // 0 = the config's default
  std::optional<Millis> timeout;  // upstream response timeout for this rule
};

struct StatusRange {
  unsigned low = 200;
  unsigned high = 399;
};

struct HealthCheckConfig {
  bool enabled = true;
  std::string path = "/healthz";
  Millis interval{5'000};
  Millis timeout{2'000};
  int healthy_threshold = 2;
  int unhealthy_threshold = 2;
  std::vector<StatusRange> matcher{{200, 399}};
};

enum class Algorithm { kRoundRobin, kLeastOutstanding };

struct TargetAddress {
  std::string host;
  uint16_t port = 0;
  std::string id() const { return host + ":" + std::to_string(port); }
};

struct TargetGroupConfig {
  std::string name;
  Algorithm algorithm = Algorithm::kRoundRobin;
  std::vector<TargetAddress> targets;
  HealthCheckConfig health;
  Millis slow_start{0};
  Millis deregistration_delay{10'000};
  int ejection_failures = 3;       // consecutive connection errors that eject a target
  Millis ejection_duration{10'000};
  Millis connect_timeout{2'000};
  Millis response_timeout{30'000};
  // ALB's fail-open: when no target is healthy, route to every registered target that is
  // not draining and not passively ejected, instead of answering 503.
  bool fail_open = true;
};

struct CorsConfig {
  std::vector<std::string> allowed_origins;  // exact origins, or "*"
  std::vector<std::string> allowed_methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  std::vector<std::string> allowed_headers{"Authorization", "Content-Type", "Idempotency-Key",
                                           "X-Request-Id"};
  Millis max_age{600'000};
  bool allow_credentials = true;
};

struct GatewayConfig {
  std::vector<TargetGroupConfig> groups;
  std::vector<Rule> rules;  // sorted by priority (stable)
  Rule default_rule;        // its action is the default action; match is ignored
  uint64_t max_body_bytes = 10 * 1024 * 1024;  // per-rule default
  CorsConfig cors;
  bool security_headers = true;

  const TargetGroupConfig* group(std::string_view name) const;
};

// Looks up environment variables for ${...} substitution (tests pass a map).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

// Parses and validates. kInvalidArgument lists every problem, each naming its field.
Result<GatewayConfig> parse_config(std::string_view yaml_text, const EnvLookup& env,
                                   uint64_t body_cap = uint64_t{1} << 40);
Result<GatewayConfig> load_config(const std::string& path, const EnvLookup& env,
                                  uint64_t body_cap = uint64_t{1} << 40);

// "host:port" -> TargetAddress (host may be a name or an IPv4 literal).
Result<TargetAddress> parse_target_address(std::string_view text);

}  // namespace dts::gateway
