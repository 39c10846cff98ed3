#pragma once
// `dts identity`: the identity provider (Amazon Cognito's role). See README.md.
//
// Wiring: config (env) -> PostgreSQL pool -> password worker, token issuer, store ->
// Accounts (domain) -> routes (Cognito JSON API on POST /; the OIDC endpoints hook in
// here too) -> readiness (migrations applied + default pool and SPA client bootstrapped).
//
// `dts identity mailbox` prints the dev mailbox (codes and temporary passwords the local
// sender "delivered"), from DATABASE_URL or the embedded cluster of `dts up` (DTS_HOME).

namespace CLI {
class App;
}

namespace dts::identity {

void register_cli(CLI::App& root);

// Reads the environment and serves until SIGTERM.
int run();

}  // namespace dts::identity
