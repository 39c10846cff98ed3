#pragma once
// The policy input document the enforcement point builds for every request, and the tenant
// the request acts for.
//
//   {
//     "method": "GET",
//     "path": "/api/core/datasets/42",            normalized by the gateway
//     "segments": ["api", "core", "datasets", "42"],  percent-decoded
//     "headers": {"x-tenant-id": "acme", ...},    only the configured names, lower-case
//     "source_ip": "203.0.113.7",
//     "request_id": "…",
//     "time_ns": 1764115200000000000,
//     "authenticated": true,
//     "principal": {"sub", "username", "client_id", "issuer", "scopes"} | null,
//     "claims": {…every access-token claim…} | {},
//     "groups": ["tenant:acme:admin", …],          "cognito:groups"
//     "tenant": "acme"                             "" when none could be determined
//   }
//
// Tenant. Cognito puts custom attributes (custom:tenant_id) only into ID tokens; access
// tokens carry "cognito:groups" but no custom claims (unless a pre-token-generation V2
// trigger adds them, which needs the paid feature tiers). So tenancy travels in group names:
// a user with role R in tenant T is in the group "tenant:T:R". That works with every Cognito
// pool, with our identity service, needs no trigger, and lets one user hold different roles
// in several tenants. The tenant a request acts for is, in order:
//   1. the X-Tenant-Id request header (the SPA's tenant switcher), if syntactically valid —
//      the policy then checks that the principal has a role there;
//   2. the "custom:tenant_id" claim, when a pre-token-generation trigger put it there;
//   3. the single tenant named by the principal's tenant groups, when there is exactly one;
//   4. none (""): tenant-scoped routes are denied by the policy.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/http/message.hpp"
#include "gateway/pep/principal.hpp"
#include "rego/value.hpp"

namespace dts::gateway::pep {

// What the enforcement point needs to know about a request (no Beast types). The views must
// stay valid until enforce() completes.
struct RequestView {
  std::string_view method;
  std::string_view path;  // normalized (dot segments resolved), still percent-encoded
  std::string_view source_ip;
  std::string_view request_id;
  // Header lookup by case-insensitive name; nullopt when absent.
  std::function<std::optional<std::string_view>(std::string_view)> header;
  // The path the service will receive (after a rule's strip_prefix), which the internal
  // signature covers; empty = `path`. Signing it here saves a second HMAC per request.
  std::string_view signed_path = {};

  // A lookup over kit headers (the Headers object must outlive the view).
  static std::function<std::optional<std::string_view>(std::string_view)> lookup(
      const http::Headers& headers);
  std::optional<std::string_view> get(std::string_view name) const {
    return header ? header(name) : std::nullopt;
  }
};

inline constexpr std::string_view kTenantHeader = "X-Tenant-Id";

// Whether a tenant id may be used (1..64 of [A-Za-z0-9._-]).
bool valid_tenant_id(std::string_view id);

// The tenant of the request (rules 1-4 above). `requested` is the X-Tenant-Id value, already
// validated. Empty when none applies.
std::string resolve_tenant(std::optional<std::string_view> requested, const Principal* principal);

// Whether the principal belongs to `tenant`: a `tenant:<tenant>:<role>` group or a
// custom:tenant_id claim naming it. Only then does the gateway vouch for the tenant in
// X-Dts-Tenant; on routes open to any signed-in user (e.g. GET /api/core/me) a named tenant
// the caller has no role in is not passed on as if it were theirs.
bool holds_tenant(const Principal* principal, std::string_view tenant);

// Path segments, percent-decoded (a segment with a malformed escape is kept as sent).
rego::Array path_segments(std::string_view path);

// The input document. `principal` is null for anonymous requests.
rego::Value build_input(const RequestView& request, const Principal* principal,
                        const std::string& tenant, const std::vector<std::string>& input_headers,
                        int64_t time_ns);

}  // namespace dts::gateway::pep
