# The platform's authorization policy, evaluated by the gateway for every request
# (src/gateway/pep). The decision is the whole document data.dts.authz:
#   allow    boolean: forward the request or refuse it (403, or 401 when anonymous)
#   reason   string: why (logged; sent as the problem detail on 403)
#   headers  object: extra headers for the upstream request (none today)
# Which route needs which permission, and which role grants which permission, is data
# (data.json next to this file): change a route or a role there, not here. Helpers live in
# package dts.rbac (rbac.rego): every rule in this package is evaluated for every request.
# The input shape is documented in policies/README.md.
package dts.authz

import rego.v1

import data.dts.rbac

default allow := false

headers := {}

allow if rbac.route.access == "public"

allow if {
	input.authenticated
	rbac.route.access == "authenticated"
}

allow if {
	input.authenticated
	rbac.route.access == "tenant"
	rbac.granted
}

reason := "ambiguous route table" if {
	not rbac.route
	count(rbac.pattern_keys) > 1
} else := "no such route" if {
	not rbac.route
} else := "public route" if {
	rbac.route.access == "public"
} else := "authentication required" if {
	not input.authenticated
} else := "signed-in user" if {
	rbac.route.access == "authenticated"
} else := "no tenant selected" if {
	input.tenant == ""
} else := sprintf("%s granted in tenant %s", [rbac.route.permission, input.tenant]) if {
	rbac.granted
} else := sprintf("no role in tenant %s grants %s", [input.tenant, rbac.route.permission])
