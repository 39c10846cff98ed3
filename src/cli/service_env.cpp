#include "cli/service_env.hpp"

#include <unistd.h>

#include <filesystem>

#include "common/ids.hpp"

namespace dts::cli {
namespace {

std::string upper(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

std::map<std::string, std::string> service_env(const SupervisorOptions& options,
                                               const ServiceDef& def, uint16_t port,
                                               const std::string& database_url,
                                               const RunSecrets& secrets,
                                               const std::vector<std::string>& process_env) {
  std::map<std::string, std::string> inherited;
  for (const auto& kv : process_env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos && eq > 0) inherited.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  std::map<std::string, std::string> env;
  for (const char* name : {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "LOG_LEVEL"}) {
    if (auto it = inherited.find(name); it != inherited.end()) env[name] = it->second;
  }
  env["DTS_SERVICE"] = def.name;
  env["DTS_ROOT"] = options.root;
  env["DTS_HOME"] = options.home;
  env["HOST"] = "127.0.0.1";
  env["PORT"] = std::to_string(port);
  if (!database_url.empty()) env["DATABASE_URL"] = database_url;
  // Every service, the gateway included, shares the key of the gateway's signature over the
  // identity it forwards; a service refuses X-Dts-* headers that do not verify with it.
  env["DTS_INTERNAL_KEY"] = secrets.internal_key;
  // Identity runs behind the gateway, which appends the client's address to
  // X-Forwarded-For: identity's per-IP sign-in throttling must use that address, not the
  // gateway's (one bucket for every user). It listens on loopback only, so only local
  // processes can reach it around the gateway (and they could spoof their address only to
  // identity's per-IP bucket; the per-user limit stays).
  if (def.name == "identity") {
    for (const auto& other : options.services) {
      if (other.name == "gateway") env["IDENTITY_TRUST_FORWARDED_FOR"] = "true";
    }
  }
  // The PDP serves the repository's policy bundle and hot-reloads it when files change.
  bool have_policies = std::filesystem::is_directory(options.root + "/policies");
  if (def.name == "policy" && have_policies) env["POLICY_BUNDLE"] = options.root + "/policies";
  // The gateway's config names its upstreams by ${SERVICE_PORT}: the catalog's ports,
  // shifted like every other port (several stacks on one host).
  if (def.name == "gateway") {
    env["GATEWAY_ADMIN_TOKEN"] = secrets.gateway_admin_token;
    if (have_policies) env["POLICY_BUNDLE"] = options.root + "/policies";  // the PEP's, in-process
    for (const auto& other : options.services) {
      env[upper(other.name) + "_PORT"] = std::to_string(other.port + options.port_offset);
    }
    for (const auto& other : all_services()) {
      env[upper(other.name) + "_PORT"] = std::to_string(other.port + options.port_offset);
    }
    for (const auto& [name, p] :
         std::initializer_list<std::pair<const char*, int>>{{"IDENTITY_PORT", 9001},
                                                            {"CORE_PORT", 9002},
                                                            {"BILLING_PORT", 9003},
                                                            {"SECRETS_PORT", 9004},
                                                            {"GATEWAY_ADMIN_PORT", 8081}}) {
      if (!env.count(name)) env[name] = std::to_string(p + options.port_offset);
    }
  }
  // Per-service overrides: DTS_<SERVICE>_<VAR>=v becomes <VAR>=v for that service only
  // (the way an ECS task definition sets one task's environment).
  std::string prefix = "DTS_" + upper(def.name) + "_";
  for (const auto& [name, value] : inherited) {
    if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0) {
      env[name.substr(prefix.size())] = value;
    }
  }
  return env;
}

std::vector<std::string> process_environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

std::string internal_key_for_run(std::string_view given) {
  if (!given.empty()) return std::string(given);
  return ids::random_hex(32);
}

}  // namespace dts::cli
