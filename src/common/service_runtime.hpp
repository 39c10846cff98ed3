#pragma once
// What every service's `main` does, once: read the common settings from the environment,
// configure logs, build the metrics registry and the HTTP server, let the service wire its
// dependencies and routes, then serve until SIGTERM/SIGINT (graceful drain, exit 0).
//
// Common environment (validated; a bad value stops the process naming the variable):
//   HOST (127.0.0.1), PORT (service default), LOG_LEVEL (info), HTTP_THREADS (cores),
//   HTTP_MAX_BODY_BYTES (1MiB), HTTP_MAX_HEADER_BYTES (16KiB), HTTP_MAX_HEADERS (100),
//   HTTP_IDLE_TIMEOUT (60s), HTTP_HEADER_TIMEOUT (10s), HTTP_BODY_TIMEOUT (30s),
//   HTTP_REQUEST_TIMEOUT (60s), SHUTDOWN_GRACE (10s).

#include <functional>
#include <string>

#include "common/config.hpp"
#include "common/http/server.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace dts {

struct RuntimeConfig {
  std::string service;
  http::ServerOptions http;
  log::Level log_level = log::Level::kInfo;
};

// Reads the common settings into `out`; problems are recorded in `reader`.
RuntimeConfig read_runtime_config(config::Reader& reader, std::string service,
                                  uint16_t default_port);

// Everything a service's setup needs from the runtime.
struct ServiceContext {
  http::Server& server;
  metrics::Registry& metrics;
};

// Logs the config error (naming the variables) and returns 2, or serves and returns 0.
// `setup` adds routes/readiness and builds dependencies; an error from it stops start-up.
int run_service(const RuntimeConfig& config, const Status& config_status,
                const std::function<Status(ServiceContext&)>& setup);

}  // namespace dts
