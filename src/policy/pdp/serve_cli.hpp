#pragma once
// `dts policy serve`: registers the PDP under the `policy` command.

namespace CLI {
class App;
}

namespace dts::policy::pdp {

// Adds `serve` to `policy_cmd`: --bundle DIR (overrides POLICY_BUNDLE), --addr host:port
// (overrides HOST and PORT). The rest of the configuration comes from the environment.
void register_serve(CLI::App& policy_cmd);

}  // namespace dts::policy::pdp
