#include "common/service_runtime.hpp"

#include <iostream>

namespace dts {

RuntimeConfig read_runtime_config(config::Reader& r, std::string service, uint16_t default_port) {
  RuntimeConfig c;
  c.service = std::move(service);
  auto level = r.one_of("LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
  log::parse_level(level, c.log_level);
  c.http.host = r.string("HOST", "127.0.0.1");
  c.http.port = r.port("PORT", default_port);
  c.http.threads = static_cast<unsigned>(r.integer("HTTP_THREADS", 0, 0, 256));
  c.http.max_body_bytes = r.bytes("HTTP_MAX_BODY_BYTES", c.http.max_body_bytes);
  c.http.max_header_bytes = r.bytes("HTTP_MAX_HEADER_BYTES", c.http.max_header_bytes);
  c.http.max_header_count =
      static_cast<size_t>(r.integer("HTTP_MAX_HEADERS", 100, 1, 10000));
  c.http.idle_timeout = r.duration("HTTP_IDLE_TIMEOUT", c.http.idle_timeout);
  c.http.header_timeout = r.duration("HTTP_HEADER_TIMEOUT", c.http.header_timeout);
  c.http.body_timeout = r.duration("HTTP_BODY_TIMEOUT", c.http.body_timeout);
  c.http.total_timeout = r.duration("HTTP_REQUEST_TIMEOUT", c.http.total_timeout);
  c.http.shutdown_grace = r.duration("SHUTDOWN_GRACE", c.http.shutdown_grace);
  return c;
}

int run_service(const RuntimeConfig& config, const Status& config_status,
                const std::function<Status(ServiceContext&)>& setup) {
  log::configure(config.service, config.log_level);
  if (!config_status.ok()) {
    log::error("invalid configuration", {{"error", config_status.error().message()}});
    std::cerr << config.service << ": " << config_status.error().message() << "\n";
    return 2;
  }
  metrics::Registry registry;
  http::Server server(config.service, config.http, registry);
  ServiceContext ctx{server, registry};
  if (auto s = setup(ctx); !s.ok()) {
    log::error("start-up failed", {{"error", s.error().message()}});
    return 1;
  }
  auto port = server.listen();
  if (!port.ok()) {
    log::error("start-up failed", {{"error", port.error().message()}});
    return 1;
  }
  int rc = server.run_until_signal();
  log::info("exited", {{"code", rc}});
  return rc;
}

}  // namespace dts
