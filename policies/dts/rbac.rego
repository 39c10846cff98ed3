# Route and role resolution for data.dts.authz. Kept in its own package on purpose: the
# gateway evaluates the whole document data.dts.authz for every request, so every rule in
# that package runs every time, while the rules here run only when authz refers to them
# (and an exact route hit never iterates the route table).
package dts.rbac

import rego.v1

# The route entry of data.dts.routes ("METHOD /path" -> {access, permission}) for this
# request: an exact key first, else the single pattern that matches.
exact_key := concat(" ", [input.method, input.path])

route_key := exact_key if {
	data.dts.routes[exact_key]
} else := k if {
	count(pattern_keys) == 1
	some k in pattern_keys
}

route := data.dts.routes[route_key]

pattern_keys contains k if {
	some k, _ in data.dts.routes
	key_method_matches(k) # a cheap string test first: most keys stop here
	path := substring(k, indexof(k, " ") + 1, -1)
	path_matches(split(trim_prefix(path, "/"), "/"), input.segments)
}

method_prefix := concat("", [input.method, " "])

key_method_matches(k) if startswith(k, method_prefix)

key_method_matches(k) if startswith(k, "* ")

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
	startswith(g, "tenant:")
	parts := split(g, ":")
	count(parts) == 3
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

# One of those roles grants the route's permission.
granted if {
	some role in roles
	route.permission in data.dts.roles[role].permissions
}
