#pragma once
// The environment `dts up` gives one service instance: what an ECS task definition's
// `environment` and `secrets` hold. Pure (no global state read), so it is unit-tested.
//
// Every service gets DTS_SERVICE, DTS_ROOT, DTS_HOME, HOST, PORT, DATABASE_URL (if it uses
// the database), DTS_INTERNAL_KEY (the run's key of the gateway's X-Dts-Signature, the same
// for every service) and a few pass-through variables (PATH, HOME, LANG, LC_ALL, TZ, TMPDIR,
// LOG_LEVEL). The gateway also gets GATEWAY_ADMIN_TOKEN, POLICY_BUNDLE and the
// <SERVICE>_PORT variables its config names upstreams by; the PDP POLICY_BUNDLE; identity
// IDENTITY_TRUST_FORWARDED_FOR=true when the gateway runs in front of it. Last,
// DTS_<SERVICE>_<VAR>=v in the supervisor's environment sets <VAR>=v for that service only.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/supervisor.hpp"

namespace dts::cli {

// What one `dts up` run shares with its services; generated at start, never persisted.
struct RunSecrets {
  std::string gateway_admin_token;
  std::string internal_key;
};

// `process_env` is the supervisor's environment as "NAME=value" entries.
std::map<std::string, std::string> service_env(const SupervisorOptions& options,
                                               const ServiceDef& def, uint16_t port,
                                               const std::string& database_url,
                                               const RunSecrets& secrets,
                                               const std::vector<std::string>& process_env);

// The supervisor's own environment as "NAME=value" entries.
std::vector<std::string> process_environment();

// The run's DTS_INTERNAL_KEY: `given` (the supervisor's DTS_INTERNAL_KEY, as ECS would inject
// a secret) when non-empty, else 256 random bits as 64 hex characters.
std::string internal_key_for_run(std::string_view given);

}  // namespace dts::cli
