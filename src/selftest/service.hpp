#pragma once
// `dts selftest`: the service kit's reference service. It is the smallest service with
// the full shape (config -> database pool -> routes -> readiness), used by the kit's
// end-to-end tests, by `dts up` tests before the product services exist, and as the
// benchmark target. Routes: GET /hello, POST /api/selftest/probes, GET
// /api/selftest/probes/{id}; plus the kit's /healthz, /readyz, /metrics.

namespace CLI {
class App;
}

namespace dts::selftest {

// Adds `dts selftest` (runs the service in the foreground).
void register_cli(CLI::App& root);

// Reads the environment (PORT, DATABASE_URL, DTS_ROOT, ...) and serves until SIGTERM.
int run();

}  // namespace dts::selftest
