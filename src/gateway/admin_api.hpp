#pragma once
// The admin API, on its own listener bound to 127.0.0.1 (GATEWAY_ADMIN_PORT, 8081): what
// `dts up` and `dts deploy --rolling` use to move targets in and out of groups.
//
//   GET    /admin/target-groups                       groups, targets, health
//   GET    /admin/target-groups/{group}
//   POST   /admin/target-groups/{group}/targets       {"target":"127.0.0.1:9102"} register
//   DELETE /admin/target-groups/{group}/targets/{id}  deregister: drain, then remove
//   POST   /admin/reload                              re-read GATEWAY_CONFIG
//
// Every /admin/ route needs `Authorization: Bearer <GATEWAY_ADMIN_TOKEN>` (compared in
// constant time); without a configured token the admin routes answer 403. The listener's
// /healthz, /readyz and /metrics stay open (loopback only).

#include <string>

#include "common/http/server.hpp"
#include "gateway/gateway.hpp"

namespace dts::gateway {

void add_admin_routes(http::Server& server, Gateway& gateway, std::string admin_token);

// Constant-time token check (both sides hashed first, so the length does not leak).
bool token_matches(std::string_view presented, std::string_view expected);

}  // namespace dts::gateway
