#pragma once
// Listener rule evaluation: the first rule (in priority order) whose conditions all hold
// wins; when none does, the default rule applies (an ALB listener's default action).

#include <string_view>

#include "common/http/message.hpp"
#include "gateway/config.hpp"

namespace dts::gateway {

// What a rule can look at. `path` is already normalized; `host` is lower-case, no port.
struct RequestFacts {
  std::string_view method;
  std::string_view host;
  std::string_view path;
  std::string_view query;  // raw
  const http::Headers* headers = nullptr;
};

// '*' matches any run of characters (including none and '/'), '?' exactly one.
bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive = false);

bool rule_matches(const RuleMatch& match, const RequestFacts& facts);

// The first matching rule of `config.rules`, or `config.default_rule`.
const Rule& select_rule(const GatewayConfig& config, const RequestFacts& facts);

// "Example.COM:8080" -> "example.com"; IPv6 literals keep their brackets.
std::string host_without_port(std::string_view host_header);

}  // namespace dts::gateway
