#pragma once
// `dts gateway`: the public entry (port 8080) — the load balancer and policy enforcement
// point in front of every service — plus its admin listener (127.0.0.1:8081).
// Environment: see src/gateway/README.md.

namespace CLI {
class App;
}

namespace dts::gateway {

void register_cli(CLI::App& root);

// Reads the environment and serves until SIGTERM/SIGINT; SIGHUP reloads GATEWAY_CONFIG.
int run();

}  // namespace dts::gateway
