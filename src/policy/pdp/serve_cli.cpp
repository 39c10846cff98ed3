#include "policy/pdp/serve_cli.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <memory>

#include "policy/pdp/service.hpp"

namespace dts::policy::pdp {
namespace {

struct ServeArgs {
  std::string bundle;
  std::string addr;
};

// "host:port", ":port" (all defaults for host) or "[::1]:port".
bool parse_addr(const std::string& addr, std::string& host, uint16_t& port) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos) {
    return false;
  }
  std::string h = addr.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  std::string p = addr.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    return false;
  }
  if (!h.empty()) {
    host = h;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

int serve(const ServeArgs& args) {
  config::Reader reader(config::Env::from_process());
  Config config = read_config(reader);
  if (!args.bundle.empty()) {
    config.bundle_dir = args.bundle;
  }
  if (!args.addr.empty() &&
      !parse_addr(args.addr, config.runtime.http.host, config.runtime.http.port)) {
    reader.add_error("--addr: must be host:port, got \"" + args.addr + "\"");
  }
  return run(config, reader.finish());
}

}  // namespace

void register_serve(CLI::App& policy_cmd) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = policy_cmd.add_subcommand(
      "serve", "Run the policy decision point (OPA REST API, default port 8181)");
  cmd->add_option("--bundle", args->bundle,
                  "Bundle directory (.rego + data.json/yaml), hot-reloaded; overrides "
                  "POLICY_BUNDLE");
  cmd->add_option("--addr", args->addr, "Listen address host:port; overrides HOST and PORT");
  cmd->callback([args] { std::exit(serve(*args)); });
}

}  // namespace dts::policy::pdp
