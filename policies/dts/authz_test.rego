# Tests of the platform policy: every route x role x same/other tenant, plus the edges of
# tenant selection and route matching. Run: dts policy test policies/
#
# The expected table below is written out by hand on purpose: it is the specification the
# data (data.json) must satisfy, not a copy of it. Adding a route to data.json without a row
# here fails test_every_route_is_in_the_matrix.
package dts.authz_test

import rego.v1

import data.dts.authz
import data.dts.rbac

all_roles := {"admin", "member", "viewer", "billing"}

# Concrete request -> roles of the tenant that may make it.
tenant_matrix := [
	{"method": "GET", "path": "/api/core/tenant", "allowed": {"admin", "member", "viewer", "billing"}},
	{"method": "GET", "path": "/api/core/members", "allowed": {"admin", "member", "viewer"}},
	{"method": "POST", "path": "/api/core/members", "allowed": {"admin"}},
	{"method": "DELETE", "path": "/api/core/members/u-7", "allowed": {"admin"}},
	{"method": "GET", "path": "/api/core/datasets", "allowed": {"admin", "member", "viewer"}},
	{"method": "POST", "path": "/api/core/datasets", "allowed": {"admin", "member"}},
	{"method": "GET", "path": "/api/core/datasets/d-1", "allowed": {"admin", "member", "viewer"}},
	{"method": "PATCH", "path": "/api/core/datasets/d-1", "allowed": {"admin", "member"}},
	{"method": "DELETE", "path": "/api/core/datasets/d-1", "allowed": {"admin", "member"}},
	{"method": "GET", "path": "/api/core/datasets/d-1/content", "allowed": {"admin", "member", "viewer"}},
	{"method": "GET", "path": "/api/core/jobs", "allowed": {"admin", "member", "viewer"}},
	{"method": "POST", "path": "/api/core/jobs", "allowed": {"admin", "member"}},
	{"method": "GET", "path": "/api/core/jobs/j-1", "allowed": {"admin", "member", "viewer"}},
	{"method": "GET", "path": "/api/core/jobs/j-1/result", "allowed": {"admin", "member", "viewer"}},
	{"method": "POST", "path": "/api/core/jobs/j-1/cancel", "allowed": {"admin", "member"}},
	{"method": "GET", "path": "/api/billing/wallet", "allowed": {"admin", "billing"}},
	{"method": "POST", "path": "/api/billing/wallet/topups", "allowed": {"admin", "billing"}},
	{"method": "GET", "path": "/api/billing/usage", "allowed": {"admin", "billing"}},
	{"method": "GET", "path": "/api/billing/invoices", "allowed": {"admin", "billing"}},
	{"method": "GET", "path": "/api/billing/invoices/inv-1", "allowed": {"admin", "billing"}},
	{"method": "PUT", "path": "/api/billing/subscription", "allowed": {"admin", "billing"}},
	{"method": "GET", "path": "/api/secrets", "allowed": {"admin", "member"}},
	{"method": "POST", "path": "/api/secrets", "allowed": {"admin"}},
	{"method": "GET", "path": "/api/secrets/db-password", "allowed": {"admin", "member"}},
	{"method": "PUT", "path": "/api/secrets/db-password", "allowed": {"admin"}},
	{"method": "DELETE", "path": "/api/secrets/db-password", "allowed": {"admin"}},
]

# Routes any signed-in user may call, whatever the tenant.
authenticated_routes := [
	{"method": "GET", "path": "/api/core/me"},
	{"method": "GET", "path": "/api/billing/plans"},
]

# Identity (hosted UI, OAuth2 endpoints): public.
public_routes := [
	{"method": "GET", "path": "/auth"},
	{"method": "GET", "path": "/auth/oauth2/authorize"},
	{"method": "POST", "path": "/auth/oauth2/token"},
	{"method": "GET", "path": "/auth/.well-known/jwks.json"},
	{"method": "POST", "path": "/auth/"},
]

segments(path) := [s | some s in split(path, "/"); s != ""]

req(method, path, groups, tenant) := {
	"method": method,
	"path": path,
	"segments": segments(path),
	"headers": {},
	"source_ip": "127.0.0.1",
	"authenticated": true,
	"principal": {"sub": "u-1", "username": "alice"},
	"claims": {"sub": "u-1", "token_use": "access"},
	"groups": groups,
	"tenant": tenant,
}

anonymous(method, path) := {
	"method": method,
	"path": path,
	"segments": segments(path),
	"headers": {},
	"authenticated": false,
	"principal": null,
	"claims": {},
	"groups": [],
	"tenant": "",
}

# The principal holds `role` in acme; the request acts for acme (same) or globex (other).
target_tenant(other) := "globex" if other

target_tenant(other) := "acme" if not other

expected_allow(_, _, other) := false if other

expected_allow(c, role, other) := role in c.allowed if not other

matrix_failures contains msg if {
	some c in tenant_matrix
	some role in all_roles
	some other in [false, true]
	groups := [sprintf("tenant:acme:%s", [role])]
	got := authz.allow with input as req(c.method, c.path, groups, target_tenant(other))
	want := expected_allow(c, role, other)
	got != want
	msg := sprintf("%s %s role=%s other_tenant=%v: allow=%v want %v", [c.method, c.path, role, other, got, want])
}

test_tenant_route_matrix if {
	count(matrix_failures) == 0
}

test_tenant_routes_denied_to_anonymous if {
	every c in tenant_matrix {
		not authz.allow with input as anonymous(c.method, c.path)
	}
}

test_tenant_routes_denied_without_tenant if {
	every c in tenant_matrix {
		not authz.allow with input as req(c.method, c.path, ["tenant:acme:admin"], "")
	}
}

test_authenticated_routes_any_role_any_tenant if {
	every c in authenticated_routes {
		every role in all_roles {
			authz.allow with input as req(c.method, c.path, [sprintf("tenant:acme:%s", [role])], "acme")
			authz.allow with input as req(c.method, c.path, [sprintf("tenant:acme:%s", [role])], "globex")
		}
		authz.allow with input as req(c.method, c.path, [], "")
		not authz.allow with input as anonymous(c.method, c.path)
	}
}

test_public_routes_anonymous if {
	every c in public_routes {
		authz.allow with input as anonymous(c.method, c.path)
		authz.reason == "public route" with input as anonymous(c.method, c.path)
	}
}

# Every route of the data appears in the matrix (by matching one concrete path).
unlisted_routes contains key if {
	some key, r in data.dts.routes
	r.access == "tenant"
	not listed(key)
}

listed(key) if {
	some c in tenant_matrix
	rbac.route_key == key with input as req(c.method, c.path, [], "acme")
}

test_every_route_is_in_the_matrix if {
	count(unlisted_routes) == 0
}

test_roles_in_two_tenants_are_separate if {
	groups := ["tenant:acme:admin", "tenant:globex:viewer"]
	authz.allow with input as req("DELETE", "/api/core/datasets/d-1", groups, "acme")
	not authz.allow with input as req("DELETE", "/api/core/datasets/d-1", groups, "globex")
	authz.allow with input as req("GET", "/api/core/datasets/d-1", groups, "globex")
}

test_custom_tenant_claim_with_plain_role_groups if {
	base := req("POST", "/api/core/jobs", ["member"], "acme")
	authz.allow with input as object.union(base, {"claims": {"custom:tenant_id": "acme"}})
	not authz.allow with input as object.union(base, {"claims": {"custom:tenant_id": "globex"}})
	not authz.allow with input as base
}

test_malformed_and_unknown_groups_grant_nothing if {
	every g in [
		"tenant:acme", "tenant::admin", "tenant:acme:", "tenant:acme:superuser",
		"tenant:acme:admin:extra", "admin", "TENANT:acme:admin", "tenant:ACME:admin",
	] {
		not authz.allow with input as req("GET", "/api/core/datasets", [g], "acme")
	}
}

test_unknown_routes_and_methods_denied if {
	groups := ["tenant:acme:admin"]
	every c in [
		{"method": "GET", "path": "/api/core"},
		{"method": "GET", "path": "/api/core/datasets/d-1/content/extra"},
		{"method": "PUT", "path": "/api/core/jobs/j-1"},
		{"method": "GET", "path": "/api/unknown"},
		{"method": "GET", "path": "/"},
		{"method": "GET", "path": "/authx"},
	] {
		not authz.allow with input as req(c.method, c.path, groups, "acme")
	}
	authz.reason == "no such route" with input as req("GET", "/api/unknown", groups, "acme")
}

test_trailing_slash_and_exact_keys if {
	groups := ["tenant:acme:viewer"]
	authz.allow with input as req("GET", "/api/core/datasets/", groups, "acme")
	rbac.route_key == "GET /api/core/datasets" with input as req("GET", "/api/core/datasets", groups, "acme")
	rbac.route_key == "GET /api/core/datasets/*" with input as req("GET", "/api/core/datasets/d-9", groups, "acme")
	rbac.route_key == "* /auth/**" with input as anonymous("DELETE", "/auth/x/y/z")
}

test_ambiguous_route_table_denies if {
	# Two patterns the candidate lookups do not cover, both matching.
	routes := object.union(data.dts.routes, {
		"GET /api/*/q/r": {"access": "public"},
		"GET /*/v/q/r": {"access": "public"},
	})
	not authz.allow with input as anonymous("GET", "/api/v/q/r") with data.dts.routes as routes
	authz.reason == "ambiguous route table" with input as anonymous("GET", "/api/v/q/r") with data.dts.routes as routes
}

test_candidate_lookups_most_specific_first if {
	routes := object.union(data.dts.routes, {
		"GET /api/core/datasets/special": {"access": "public"},
		"GET /api/x/*/y/*": {"access": "public"},
	})
	rbac.route_key == "GET /api/core/datasets/special" with input as anonymous("GET", "/api/core/datasets/special") with data.dts.routes as routes
	rbac.route_key == "GET /api/core/datasets/*" with input as anonymous("GET", "/api/core/datasets/other") with data.dts.routes as routes
	rbac.route_key == "GET /api/x/*/y/*" with input as anonymous("GET", "/api/x/1/y/2") with data.dts.routes as routes
	not rbac.route_key with input as anonymous("GET", "/")
}

test_reasons if {
	authz.reason == "authentication required" with input as anonymous("GET", "/api/core/jobs")
	authz.reason == "no tenant selected" with input as req("GET", "/api/core/jobs", [], "")
	authz.reason == "jobs:list granted in tenant acme" with input as req("GET", "/api/core/jobs", ["tenant:acme:viewer"], "acme")
	authz.reason == "no role in tenant acme grants jobs:create" with input as req("POST", "/api/core/jobs", ["tenant:acme:viewer"], "acme")
}
