# The platform's authorization policy, evaluated by the gateway for every request
# (src/gateway/pep). The decision is the whole document data.dts.authz:
#   allow    boolean: forward the request or refuse it (403, or 401 when anonymous)
#   reason   string: why (logged; sent as the problem detail on 403)
#   headers  object: extra headers for the upstream request (none today)
# Which route needs which permission, and which role grants which permission, is data
# (data.json next to this file): change a route or a role there, not here. The input shape
# is documented in policies/README.md.
package dts.authz

import rego.v1

default allow := false

headers := {}

# Every route entry matching the request's method and path. Exactly one must match.
matching_routes contains r if {
	some r in data.dts.routes
	method_matches(r.method)
	path_matches(split(trim_prefix(r.path, "/"), "/"), input.segments)
}

route := r if {
	count(matching_routes) == 1
	some r in matching_routes
}

method_matches(m) if m == "*"

method_matches(m) if m == input.method

# "/a/{id}/b": same number of segments, "{...}" matches any one segment.
path_matches(pattern, segments) if {
	not ends_with_rest(pattern)
	count(pattern) == count(segments)
	every i, p in pattern {
		segment_matches(p, segments[i])
	}
}

# "/auth/**": the literal prefix, then zero or more segments.
path_matches(pattern, segments) if {
	ends_with_rest(pattern)
	n := count(pattern) - 1
	count(segments) >= n
	every i, p in array.slice(pattern, 0, n) {
		segment_matches(p, segments[i])
	}
}

ends_with_rest(pattern) if pattern[count(pattern) - 1] == "**"

segment_matches(p, _) if {
	startswith(p, "{")
	endswith(p, "}")
}

segment_matches(p, s) if p == s

# The principal's roles in the tenant the request acts for (input.tenant):
#   - group "tenant:<tenant>:<role>" (access tokens: Cognito has no custom claims there);
#   - a plain role group ("admin") when the token's custom:tenant_id claim names the tenant
#     (ID-token style claims, or a pre-token-generation trigger).
# Only roles defined in data.dts.roles count.
roles contains role if {
	input.tenant != ""
	some g in input.groups
	parts := split(g, ":")
	count(parts) == 3
	parts[0] == "tenant"
	parts[1] == input.tenant
	role := parts[2]
	data.dts.roles[role]
}

roles contains role if {
	input.tenant != ""
	input.claims["custom:tenant_id"] == input.tenant
	some role in input.groups
	data.dts.roles[role]
}

permissions contains p if {
	some role in roles
	some p in data.dts.roles[role].permissions
}

allow if route.access == "public"

allow if {
	input.authenticated
	route.access == "authenticated"
}

allow if {
	input.authenticated
	route.access == "tenant"
	route.permission in permissions
}

reason := "no such route" if {
	count(matching_routes) == 0
} else := "ambiguous route table" if {
	count(matching_routes) > 1
} else := "public route" if {
	route.access == "public"
} else := "authentication required" if {
	not input.authenticated
} else := "signed-in user" if {
	route.access == "authenticated"
} else := "no tenant selected" if {
	input.tenant == ""
} else := sprintf("%s granted in tenant %s", [route.permission, input.tenant]) if {
	route.permission in permissions
} else := sprintf("no role in tenant %s grants %s", [input.tenant, route.permission])
