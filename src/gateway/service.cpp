#include "gateway/service.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "common/service_runtime.hpp"
#include "gateway/admin_api.hpp"
#include "gateway/gateway.hpp"
#include "gateway/health_monitor.hpp"
#include "gateway/pep/enforcer.hpp"
#include "gateway/pep_adapter.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace dts::gateway {
namespace {

constexpr uint16_t kDefaultPort = 8080;
constexpr uint16_t kDefaultAdminPort = 8081;

struct Config {
  RuntimeConfig runtime;
  GatewayOptions gateway;
  std::string admin_host;
  uint16_t admin_port = kDefaultAdminPort;
  std::string admin_token;
  std::chrono::milliseconds config_poll{1000};
  pep::EnforcerConfig pep;
};

Config read_config(config::Reader& r) {
  Config c;
  c.runtime = read_runtime_config(r, "gateway", kDefaultPort);
  fs::path root = r.string("DTS_ROOT", ".");
  c.gateway.config_path = r.string("GATEWAY_CONFIG", (root / "deploy/gateway.yaml").string());
  c.gateway.web_root = r.string("GATEWAY_WEB_ROOT", (root / "web/dist").string());
  c.gateway.body_cap = r.bytes("GATEWAY_MAX_BODY_BYTES", uint64_t{1} << 30);
  c.gateway.upstream.connect_timeout =
      r.duration("GATEWAY_CONNECT_TIMEOUT", c.gateway.upstream.connect_timeout);
  c.gateway.upstream.io_timeout = r.duration("GATEWAY_IO_TIMEOUT", c.gateway.upstream.io_timeout);
  c.gateway.upstream.idle_ttl =
      r.duration("GATEWAY_UPSTREAM_IDLE_TTL", c.gateway.upstream.idle_ttl);
  c.gateway.upstream.max_idle_per_endpoint =
      static_cast<size_t>(r.integer("GATEWAY_UPSTREAM_MAX_IDLE", 64, 0, 10000));
  c.gateway.env = process_env();
  c.admin_host = r.string("GATEWAY_ADMIN_HOST", "127.0.0.1");
  c.admin_port = r.port("GATEWAY_ADMIN_PORT", kDefaultAdminPort);
  c.admin_token = r.string("GATEWAY_ADMIN_TOKEN", "");
  c.config_poll = r.duration("GATEWAY_CONFIG_POLL", c.config_poll);
  c.pep = pep::read_enforcer_config(r);
  // The listener's own cap is the largest body any rule may allow; rules lower it.
  c.runtime.http.max_body_bytes = c.gateway.body_cap;
  c.runtime.http.expose_metrics = false;  // metrics live on the admin listener
  return c;
}

// Reloads when the file's modification time or size changes (editors replace files, so
// the inode may change too). SIGHUP reloads unconditionally.
asio::awaitable<void> watch_file(Gateway& gateway, std::chrono::milliseconds every,
                                 std::shared_ptr<std::atomic<bool>> stopped) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  std::error_code ec;
  auto stamp = [&] {
    auto t = fs::last_write_time(gateway.options().config_path, ec);
    auto s = fs::file_size(gateway.options().config_path, ec);
    return std::pair(t, s);
  };
  auto last = stamp();
  while (!stopped->load() && every.count() > 0) {
    timer.expires_after(every);
    boost::system::error_code wait_ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    auto now = stamp();
    if (now != last) {
      last = now;
      (void)gateway.reload();
    }
  }
}

void listen_for_sighup(asio::io_context& ioc, Gateway& gateway) {
  auto signals = std::make_shared<asio::signal_set>(ioc, SIGHUP);
  auto handler = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
  *handler = [signals, &gateway, handler](const boost::system::error_code& ec, int) {
    if (ec) return;
    log::info("SIGHUP: reloading config");
    (void)gateway.reload();
    signals->async_wait(*handler);
  };
  signals->async_wait(*handler);
}

}  // namespace

int run() {
  config::Reader reader(config::Env::from_process());
  Config config = read_config(reader);
  Status status = reader.finish();
  log::configure("gateway", config.runtime.log_level);
  if (!status.ok()) {
    log::error("invalid configuration", {{"error", status.error().message()}});
    std::cerr << "gateway: " << status.error().message() << "\n";
    return 2;
  }
  auto initial = load_config(config.gateway.config_path, config.gateway.env,
                             config.gateway.body_cap);
  if (!initial.ok()) {
    log::error("invalid configuration", {{"error", initial.error().message()}});
    std::cerr << "gateway: GATEWAY_CONFIG: " << initial.error().message() << "\n";
    return 2;
  }

  metrics::Registry registry;
  http::Server server("gateway", config.runtime.http, registry);
  http::ServerOptions admin_options;
  admin_options.host = config.admin_host;
  admin_options.port = config.admin_port;
  admin_options.threads = 1;
  admin_options.shutdown_grace = std::chrono::milliseconds(1000);
  http::Server admin("gateway-admin", admin_options, registry);

  // The PEP for `protected: true` rules (JWT + policy); built before the gateway so it
  // outlives every request.
  auto enforcer = pep::Enforcer::create(config.pep, server.executor(), &registry);
  if (!enforcer.ok()) {
    log::error("start-up failed", {{"error", "policy enforcement: " + enforcer.error().message()}});
    return 1;
  }
  Gateway gateway(config.gateway, server.executor(), registry);
  gateway.set_enforcer(make_enforce_fn(**enforcer));
  gateway.apply(std::move(initial).value());
  log::info("config loaded", {{"path", config.gateway.config_path},
                              {"web_root", config.gateway.web_root.string()}});
  server.set_stream_handler(
      [&gateway](http::Request& req, http::BodyReader& body, http::ResponseWriter& out) {
        return gateway.handle(req, body, out);
      });
  add_admin_routes(admin, gateway, config.admin_token);
  HealthMonitor monitor(gateway, server.executor());

  auto admin_port = admin.listen();
  if (!admin_port.ok()) {
    log::error("start-up failed", {{"error", admin_port.error().message()}});
    return 1;
  }
  auto port = server.listen();
  if (!port.ok()) {
    log::error("start-up failed", {{"error", port.error().message()}});
    return 1;
  }
  monitor.start();
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  asio::co_spawn(server.context(), watch_file(gateway, config.config_poll, stopped),
                 asio::detached);
  listen_for_sighup(server.context(), gateway);
  std::thread admin_thread([&admin] { admin.run(); });
  int rc = server.run_until_signal();
  stopped->store(true);
  monitor.stop();
  admin.stop();
  admin_thread.join();
  log::info("exited", {{"code", rc}});
  return rc;
}

void register_cli(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "gateway", "Run the gateway: public entry on PORT (8080), admin API on 127.0.0.1:8081");
  cmd->footer(
      "Environment: GATEWAY_CONFIG (deploy/gateway.yaml), GATEWAY_WEB_ROOT (web/dist),\n"
      "GATEWAY_ADMIN_PORT (8081), GATEWAY_ADMIN_TOKEN, GATEWAY_MAX_BODY_BYTES (1GiB),\n"
      "GATEWAY_CONNECT_TIMEOUT, GATEWAY_IO_TIMEOUT, GATEWAY_CONFIG_POLL (1s); see\n"
      "src/gateway/README.md.");
  cmd->callback([] { std::exit(run()); });
}

}  // namespace dts::gateway
