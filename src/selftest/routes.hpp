#pragma once

#include "common/http/router.hpp"
#include "selftest/store.hpp"

namespace dts::selftest {

// Registers the selftest routes; `store` must outlive the router.
void add_routes(http::Router& router, Store& store);

}  // namespace dts::selftest
