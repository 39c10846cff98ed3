# Route and role resolution for data.dts.authz. Kept in its own package on purpose: the
# gateway evaluates the whole document data.dts.authz for every request, so every rule in
# that package runs every time, while the rules here run only when authz refers to them
# (and an exact route hit never iterates the route table).
package dts.rbac

import rego.v1

# The route entry of data.dts.routes ("METHOD /path" -> {access, permission}) for this
# request. Key paths are globs (glob.match with "/" as the delimiter): "*" matches within one
# path segment and "**" across segments; do not use "{", "[" or "?" in them.
# Lookups go from the most specific to the most general, each a single map lookup, so the
# route table is only searched for shapes the candidates below do not cover:
#   1. the exact "METHOD /path";
#   2. "*" as the last segment            ("GET /api/core/datasets/*");
#   3. "*" as the second-to-last segment  ("GET /api/core/datasets/*/content");
#   4. "* /<first segment>/**"            ("* /auth/**");
#   5. any other pattern, which must then be the only one that matches.
exact_key := concat(" ", [input.method, input.path])

raw_segments := split(input.path, "/") # ["", "api", ...], still percent-encoded

route_key := exact_key if {
	data.dts.routes[exact_key]
} else := k if {
	n := count(raw_segments)
	raw_segments[n - 1] != ""
	k := sprintf("%s %s/*", [input.method, concat("/", array.slice(raw_segments, 0, n - 1))])
	data.dts.routes[k]
} else := k if {
	n := count(raw_segments)
	raw_segments[n - 2] != ""
	raw_segments[n - 1] != ""
	prefix := concat("/", array.slice(raw_segments, 0, n - 2))
	k := sprintf("%s %s/*/%s", [input.method, prefix, raw_segments[n - 1]])
	data.dts.routes[k]
} else := k if {
	k := sprintf("* /%s/**", [raw_segments[1]])
	data.dts.routes[k]
} else := k if {
	count(pattern_keys) == 1
	some k in pattern_keys
}

route := data.dts.routes[route_key]

pattern_keys contains k if {
	some k, _ in data.dts.routes
	key_method_matches(k) # a cheap string test first: most keys stop here
	glob.match(substring(k, indexof(k, " ") + 1, -1), ["/"], canonical_path)
}

method_prefix := concat("", [input.method, " "])

key_method_matches(k) if startswith(k, method_prefix)

key_method_matches(k) if startswith(k, "* ")

# The path rebuilt from the decoded, non-empty segments: "//a/b/" -> "/a/b". A segment with
# an encoded "/" gains a delimiter here, so "*" cannot match it (denied rather than guessed).
canonical_path := concat("/", ["", concat("/", input.segments)]) if {
	count(input.segments) > 0
} else := "/"

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
