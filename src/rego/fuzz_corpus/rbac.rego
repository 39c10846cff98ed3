package bench.rbac
import rego.v1

default allow := false

allow if {
  some role in data.user_roles[input.user]
  some p in data.role_perms[role]
  p.action == input.action
  p.resource == input.resource
}
