package bench.large
import rego.v1

default allow := false

allow if {
  input.path == "/api/r0"
  input.method == "GET"
  input.user.dept == "d0"
  input.user.level >= 0
}

allow if {
  input.path == "/api/r1"
  input.method == "POST"
  some r in input.user.roles
  r == "role1"
}

allow if {
  input.path == "/api/r2"
  input.method == "DELETE"
  every r in input.user.roles {
    startswith(r, "role")
  }
  not input.user.suspended
}
