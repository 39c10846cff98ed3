#include "selftest/service.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "common/internal_auth.hpp"
#include "common/pg/co_try.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/pool.hpp"
#include "common/service_runtime.hpp"
#include "selftest/routes.hpp"
#include "selftest/store.hpp"

namespace dts::selftest {
namespace {

constexpr uint16_t kDefaultPort = 9099;
constexpr const char* kService = "selftest";

struct Config {
  RuntimeConfig runtime;
  std::string database_url;
  std::filesystem::path migrations_root;
  size_t pool_size = 10;
  std::optional<internal_auth::InternalSigner> signer;  // DTS_INTERNAL_KEY, when set
};

Config read_config(config::Reader& r) {
  Config c;
  c.runtime = read_runtime_config(r, kService, kDefaultPort);
  c.database_url = r.required("DATABASE_URL");
  c.migrations_root = std::filesystem::path(r.string("DTS_ROOT", ".")) / "migrations";
  c.pool_size = static_cast<size_t>(r.integer("DB_POOL_SIZE", 10, 1, 200));
  if (auto signer = internal_auth::signer_from_env(r); signer.ok()) {
    c.signer.emplace(std::move(signer).value());
  }
  return c;
}

}  // namespace

int run() {
  config::Reader reader(config::Env::from_process());
  Config config = read_config(reader);
  Status status = reader.finish();

  // Dependencies are built in order and outlive the server (they are declared first).
  std::unique_ptr<pg::Pool> pool;
  std::unique_ptr<Store> store;
  std::vector<pg::MigrationFile> migrations;

  return run_service(config.runtime, status, [&](ServiceContext& ctx) -> Status {
    DTS_ASSIGN_OR_RETURN(migrations, pg::load_migrations(config.migrations_root, kService));
    pg::PoolOptions options;
    options.conninfo = config.database_url;
    options.max_size = config.pool_size;
    pool = std::make_unique<pg::Pool>(ctx.server.executor(), options);
    store = std::make_unique<Store>(*pool);
    add_routes(ctx.server.router(), *store, config.signer ? &*config.signer : nullptr);
    ctx.server.set_readiness([&]() -> boost::asio::awaitable<Status> {
      DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool->acquire());
      auto current = co_await pg::check_migrations(*lease, kService, migrations);
      if (!current.ok()) co_return current.error();
      if (!*current) co_return unavailable("migrations pending");
      co_return ok_status();
    });
    return ok_status();
  });
}

void register_cli(CLI::App& root) {
  auto* cmd = root.add_subcommand("selftest", "Run the kit's reference service (tests, benchmarks)");
  cmd->callback([] { std::exit(run()); });
}

}  // namespace dts::selftest
