#pragma once
// Wires the policy enforcement point (pep::Enforcer, src/gateway/pep) into the gateway's
// pipeline as its one enforcement step (enforcement.hpp).

#include "gateway/enforcement.hpp"

namespace dts::gateway {

namespace pep {
class Enforcer;
}

// The enforcer must outlive every request (it is owned by `dts gateway`'s run()).
EnforceFn make_enforce_fn(const pep::Enforcer& enforcer);

}  // namespace dts::gateway
