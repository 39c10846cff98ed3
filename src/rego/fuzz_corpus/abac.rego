package bench.abac
import rego.v1

default allow := false

trusted_issuers := {"https://id.dts.example", "https://cognito.example/pool1"}

valid_token(c) if {
  c.iss in trusted_issuers
  c.nbf <= input.now
  input.now < c.exp
}

allow if {
  c := input.token.claims
  valid_token(c)
  c.tenant == input.resource.tenant
  some g in c.groups
  startswith(g, "eng-")
  glob.match("api/*/datasets/**", ["/"], input.resource.path)
  input.action in {"read", "list"}
}
