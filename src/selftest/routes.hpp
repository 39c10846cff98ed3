#pragma once

#include "common/http/router.hpp"
#include "common/internal_auth.hpp"
#include "selftest/store.hpp"

namespace dts::selftest {

// Registers the selftest routes; `store` (and `signer`, if any) must outlive the router.
// `signer` verifies the gateway's X-Dts-Signature (DTS_INTERNAL_KEY) for GET /whoami, the
// reference for how a service learns who calls it; null when the key is not configured.
void add_routes(http::Router& router, Store& store,
                const internal_auth::InternalSigner* signer = nullptr);

}  // namespace dts::selftest
