#pragma once
// `dts policy ...`: OPA's user interface (eval, test, check, conformance, serve).

namespace CLI {
class App;
}

namespace dts::policy {

// Adds the `policy` subcommand tree to the root app.
void register_cli(CLI::App& root);

}  // namespace dts::policy
