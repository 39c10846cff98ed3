#pragma once
// The platform's authorization specification, written down once for the tests that check it
// from the outside: pep/authz_matrix_test.cpp (through the enforcer) and
// tests/gateway_authz_e2e_test.cpp (real HTTP through the `dts gateway` process). The same
// table, in Rego, is `tenant_matrix` in policies/dts/authz_test.rego; it is the intent the
// policy must implement, so tests derive their expectations from here, never from what the
// policy answers. Header-only, tests only.

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dts::gateway::testing {

// A route that acts for a tenant: `allowed` are the roles that may call it in their own
// tenant (policies/README.md, "Tenants and roles"). Nobody may call it in another tenant.
struct TenantRoute {
  const char* method;
  const char* path;  // a concrete request path (ids filled in)
  std::set<std::string> allowed;
};

// Every tenant route of the platform (Core, Billing, Secrets; design.md §1), plus requests
// that match no route of the table and so are denied for every role.
inline const std::vector<TenantRoute>& tenant_routes() {
  static const std::vector<TenantRoute> rows = {
      {"GET", "/api/core/tenant", {"admin", "member", "viewer", "billing"}},
      {"GET", "/api/core/members", {"admin", "member", "viewer"}},
      {"POST", "/api/core/members", {"admin"}},
      {"DELETE", "/api/core/members/u-7", {"admin"}},
      {"GET", "/api/core/datasets", {"admin", "member", "viewer"}},
      {"POST", "/api/core/datasets", {"admin", "member"}},
      {"GET", "/api/core/datasets/d-1", {"admin", "member", "viewer"}},
      {"PATCH", "/api/core/datasets/d-1", {"admin", "member"}},
      {"DELETE", "/api/core/datasets/d-1", {"admin", "member"}},
      {"GET", "/api/core/datasets/d-1/content", {"admin", "member", "viewer"}},
      {"GET", "/api/core/jobs", {"admin", "member", "viewer"}},
      {"POST", "/api/core/jobs", {"admin", "member"}},
      {"GET", "/api/core/jobs/j-1", {"admin", "member", "viewer"}},
      {"GET", "/api/core/jobs/j-1/result", {"admin", "member", "viewer"}},
      {"POST", "/api/core/jobs/j-1/cancel", {"admin", "member"}},
      {"GET", "/api/billing/wallet", {"admin", "billing"}},
      {"POST", "/api/billing/wallet/topups", {"admin", "billing"}},
      {"GET", "/api/billing/usage", {"admin", "billing"}},
      {"GET", "/api/billing/invoices", {"admin", "billing"}},
      {"GET", "/api/billing/invoices/inv-1", {"admin", "billing"}},
      {"PUT", "/api/billing/subscription", {"admin", "billing"}},
      {"GET", "/api/secrets", {"admin", "member"}},
      {"POST", "/api/secrets", {"admin"}},
      {"GET", "/api/secrets/db-password", {"admin", "member"}},
      {"PUT", "/api/secrets/db-password", {"admin"}},
      {"DELETE", "/api/secrets/db-password", {"admin"}},
      // Not in the route table: denied whatever the role.
      {"PUT", "/api/core/datasets", {}},
      {"GET", "/api/core/datasets/d-1/content/extra", {}},
      {"POST", "/api/billing/plans", {}},
      {"GET", "/api/secrets/a/b", {}},
  };
  return rows;
}

// The roles of policies/dts/data.json.
inline const std::vector<std::string>& roles() {
  static const std::vector<std::string> r = {"admin", "member", "viewer", "billing"};
  return r;
}

// Any signed-in user may call these, with or without a tenant.
struct Route {
  const char* method;
  const char* path;
};
inline const std::vector<Route>& signed_in_routes() {
  static const std::vector<Route> r = {{"GET", "/api/core/me"}, {"GET", "/api/billing/plans"}};
  return r;
}

// Identity's public routes (`/auth/**`): anyone, no token needed.
inline const std::vector<Route>& public_routes() {
  static const std::vector<Route> r = {{"GET", "/auth/oauth2/authorize"},
                                       {"GET", "/auth/.well-known/openid-configuration"},
                                       {"POST", "/auth/"},
                                       {"POST", "/auth/oauth2/token"}};
  return r;
}

// Does a route-table key's path pattern ("/api/core/jobs/*/cancel", "/auth/**") match a
// concrete path? `*` is one segment, a trailing `**` any number (policies/README.md). Used
// to prove that the spec above covers every route of data.json.
inline bool route_pattern_matches(std::string_view pattern, std::string_view path) {
  auto split = [](std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
      size_t j = s.find('/', i);
      if (j == std::string_view::npos) j = s.size();
      if (j > i) out.push_back(s.substr(i, j - i));
      i = j + 1;
    }
    return out;
  };
  auto p = split(pattern);
  auto s = split(path);
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == "**" && i + 1 == p.size()) return true;
    if (i >= s.size()) return false;
    if (p[i] != "*" && p[i] != s[i]) return false;
  }
  return p.size() == s.size();
}

// Does the route-table key "METHOD /pattern" (method `*` = any) match this request?
inline bool route_key_matches(std::string_view key, std::string_view method,
                              std::string_view path) {
  size_t space = key.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view m = key.substr(0, space);
  return (m == "*" || m == method) && route_pattern_matches(key.substr(space + 1), path);
}

}  // namespace dts::gateway::testing
