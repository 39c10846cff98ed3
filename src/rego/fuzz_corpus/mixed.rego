package fuzz.mixed

import future.keywords.if
import future.keywords.in
import future.keywords.contains

names := {n | some n in input.roles}
counts[r] := count(p) if { some r, p in data.roles }
deny contains msg if {
  input.claims.exp < 1
  msg := sprintf("expired %v", [input.user])
}
f(x) := y if { y := x * 2 + 1 }
g(x) = true { x > 3 } else = false
arr := [x | x := numbers.range(1, 5)[_]; x % 2 == 0]
obj := {k: v | some k, v in input.claims; is_string(v)}
ok if { regex.match(`^a.*e$`, input.user); lower(upper(input.user)) == "alice" }
w := concat("/", split("a.b.c", "."))
t := time.parse_rfc3339_ns("2026-01-01T00:00:00Z")
z := object.get(input, ["claims", "tenant"], "none")
with_test if { allow_x with input.user as "bob" }
allow_x if input.user == "bob"
