#include "gateway/proxy_headers.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace dts::gateway {
namespace {

constexpr std::string_view kHopByHop[] = {
    "Connection",          "Keep-Alive", "Proxy-Connection", "TE",
    "Trailer",             "Transfer-Encoding", "Upgrade",   "Proxy-Authenticate",
    "Proxy-Authorization", "Content-Length",    "Expect",
};

std::vector<std::string> connection_tokens(const http::Headers& headers) {
  std::vector<std::string> out;
  for (const auto& [name, value] : headers) {
    if (!http::iequals(name, "Connection")) continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string tok = value.substr(start, comma == std::string::npos ? std::string::npos
                                                                       : comma - start);
      tok.erase(0, tok.find_first_not_of(" \t"));
      tok.erase(tok.find_last_not_of(" \t") + 1);
      if (!tok.empty()) out.push_back(tok);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && http::iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

bool is_hop_by_hop(std::string_view name) {
  return std::any_of(std::begin(kHopByHop), std::end(kHopByHop),
                     [&](std::string_view h) { return http::iequals(h, name); });
}

void strip_internal_headers(http::Headers& headers) {
  std::vector<std::string> names;
  for (const auto& [name, _] : headers) {
    if (starts_with_ci(name, "X-Dts-")) names.push_back(name);
  }
  for (const auto& n : names) headers.remove(n);
}

http::Headers upstream_headers(const http::Request& req) {
  auto named = connection_tokens(req.headers);
  http::Headers out;
  std::string prior_xff;
  for (const auto& [name, value] : req.headers) {
    if (is_hop_by_hop(name) || starts_with_ci(name, "X-Dts-")) continue;
    if (std::any_of(named.begin(), named.end(),
                    [&](const std::string& n) { return http::iequals(n, name); })) {
      continue;
    }
    if (http::iequals(name, "X-Forwarded-For")) {
      prior_xff += (prior_xff.empty() ? "" : ", ") + value;
      continue;
    }
    if (http::iequals(name, "X-Forwarded-Proto") || http::iequals(name, "X-Forwarded-Host") ||
        http::iequals(name, "X-Request-Id") || http::iequals(name, "traceparent") ||
        http::iequals(name, "Forwarded")) {
      continue;  // set below from what this gateway saw
    }
    out.add(name, value);
  }
  // The client's own chain is kept (services may log it) but only the last entry, added
  // here, is trustworthy: it is the address that connected to the gateway.
  std::string xff = prior_xff.empty() ? req.remote_address : prior_xff + ", " + req.remote_address;
  out.set("X-Forwarded-For", xff);
  out.set("X-Forwarded-Proto", "http");
  std::string_view host = req.header("Host");
  if (!host.empty()) out.set("X-Forwarded-Host", host);
  out.set("X-Request-Id", req.request_id);
  out.set("traceparent", ids::format_traceparent(req.trace));
  return out;
}

http::Headers downstream_headers(const http::Headers& from_upstream) {
  auto named = connection_tokens(from_upstream);
  http::Headers out;
  for (const auto& [name, value] : from_upstream) {
    if (is_hop_by_hop(name) || http::iequals(name, "X-Request-Id")) continue;
    if (std::any_of(named.begin(), named.end(),
                    [&](const std::string& n) { return http::iequals(n, name); })) {
      continue;
    }
    out.add(name, value);
  }
  return out;
}

void add_security_headers(http::Headers& h) {
  if (!h.has("X-Content-Type-Options")) h.set("X-Content-Type-Options", "nosniff");
  if (!h.has("X-Frame-Options")) h.set("X-Frame-Options", "DENY");
  if (!h.has("Referrer-Policy")) h.set("Referrer-Policy", "no-referrer");
  if (!h.has("Cross-Origin-Opener-Policy")) h.set("Cross-Origin-Opener-Policy", "same-origin");
}

}  // namespace dts::gateway
