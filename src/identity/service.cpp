#include "identity/service.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/co_try.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/pool.hpp"
#include "common/service_runtime.hpp"
#include "identity/accounts.hpp"
#include "identity/bootstrap.hpp"
#include "identity/codes.hpp"
#include "identity/cognito/api.hpp"
#include "identity/config.hpp"
#include "identity/janitor.hpp"
#include "identity/key_encryption.hpp"
#include "identity/key_manager.hpp"
#include "identity/key_store.hpp"
#include "identity/oauth/code_store.hpp"
#include "identity/oauth/provider.hpp"
#include "identity/password_worker.hpp"
#include "identity/store.hpp"
#include "identity/token_issuer.hpp"
#include "identity/triggers/triggers.hpp"

namespace dts::identity {
namespace {

AccountsOptions accounts_options(const Config& c) {
  AccountsOptions o;
  o.policy = c.password_policy;
  o.code_key = c.code_key;
  o.sign_up_code_ttl = c.sign_up_code_ttl;
  o.reset_code_ttl = c.reset_code_ttl;
  o.code_max_attempts = c.code_max_attempts;
  o.challenge_ttl = c.challenge_ttl;
  o.max_failed_per_user = c.max_failed_per_user;
  o.max_failed_per_ip = c.max_failed_per_ip;
  o.failed_window = c.failed_window;
  return o;
}

// Everything the running service owns, built in order, destroyed in reverse.
struct Runtime {
  std::unique_ptr<pg::Pool> pool;
  std::unique_ptr<Store> store;
  std::unique_ptr<PasswordWorker> passwords;
  std::unique_ptr<TokenIssuer> issuer;
  std::optional<KeyEncryption> kek;
  std::unique_ptr<KeyStore> key_store;
  std::unique_ptr<KeyManager> keys;
  std::unique_ptr<triggers::Triggers> triggers;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<oauth::CodeStore> codes;
  std::unique_ptr<oauth::Provider> oauth;
  std::atomic<bool> keys_loaded{false};
  boost::asio::any_io_executor pool_executor;
  std::vector<pg::MigrationFile> migrations;
  std::atomic<bool> bootstrapped{false};
};

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

// The database a tool should read: DATABASE_URL, or the superuser socket of `dts up`'s
// embedded cluster under DTS_HOME (trusted on the unix socket only).
std::string tool_conninfo() {
  std::string url = env_or("DATABASE_URL", "");
  if (!url.empty()) return url;
  std::error_code ec;
  auto home = std::filesystem::absolute(env_or("DTS_HOME", ".dts"));
  auto pg_dir = std::filesystem::canonical(home / "pg", ec);
  if (ec) pg_dir = home / "pg";
  return "host=" + (pg_dir / "run").string() + " port=5432 user=dts_admin dbname=dts";
}

// Loads the signing keys (creating the first one) once the database is there; then the
// rotation/reload loop runs. Called at start and by /readyz, whichever succeeds first.
boost::asio::awaitable<Status> ensure_keys(Runtime& rt) {
  if (rt.keys_loaded.load()) co_return ok_status();
  Status started = co_await rt.keys->start();
  if (!started.ok()) co_return started;
  if (!rt.keys_loaded.exchange(true)) rt.keys->spawn_loop(rt.pool_executor);
  co_return ok_status();
}

// The default pool/client/groups at start, without waiting for a readiness probe (a
// standalone `dts identity` may never get one): retries every second until the database is
// there and migrated. /readyz also bootstraps (whichever comes first; both idempotent).
boost::asio::awaitable<void> bootstrap_at_start(Runtime& rt, const Config& config) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (int attempt = 0; !(rt.bootstrapped.load() && rt.keys_loaded.load()) && attempt < 3600;
       ++attempt) {
    Status s = ok_status();
    auto lease = co_await rt.pool->acquire();
    if (!lease.ok()) {
      s = lease.error();
    } else {
      auto current = co_await pg::check_migrations(**lease, kServiceName, rt.migrations);
      if (!current.ok()) {
        s = current.error();
      } else if (!*current) {
        s = unavailable("migrations pending");
      }
    }
    if (s.ok()) {
      s = co_await bootstrap_defaults(*rt.store, config);
      if (s.ok()) {
        rt.bootstrapped.store(true);
        s = co_await ensure_keys(rt);
        if (s.ok()) co_return;
        // A wrong IDENTITY_KEY_ENCRYPTION_KEY or a tampered key never fixes itself: say so.
        log::error("signing keys unavailable", {{"error", s.error().to_string()}});
      }
    }
    if (attempt % 30 == 0) log::warn("identity defaults not created yet", {{"error", s.error().message()}});
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

int print_mailbox(int64_t limit, bool as_json) {
  std::string conninfo = tool_conninfo();
  auto mail = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<std::vector<MailboxMessage>>> {
    DTS_CO_ASSIGN_OR_RETURN(auto conn, co_await pg::Connection::connect(ex, conninfo));
    co_return co_await read_mailbox(*conn, limit);
  });
  if (!mail.ok()) {
    std::cerr << "dts identity mailbox: " << mail.error().message() << "\n";
    return 1;
  }
  for (const auto& m : *mail) {
    if (as_json) {
      boost::json::object o{{"id", m.id},           {"created_at", m.created_at},
                            {"pool_id", m.pool_id}, {"username", m.username},
                            {"to", m.destination},  {"purpose", m.purpose},
                            {"code", m.code}};
      std::cout << json::to_string(o) << "\n";
    } else {
      std::cout << m.created_at << "  " << m.destination << "  " << m.username << "  "
                << m.purpose << "  " << m.code << "\n";
    }
  }
  return 0;
}

}  // namespace

int run() {
  config::Reader reader(config::Env::from_process());
  Config config = read_config(reader);
  Status status = reader.finish();
  Runtime rt;

  return run_service(config.runtime, status, [&](ServiceContext& ctx) -> Status {
    if (config.migrate_on_start) {
      DTS_ASSIGN_OR_RETURN(auto report, pg::migrate(config.database_url, config.migrations_root, kServiceName));
      log::info("migrations applied", {{"version", report.version}});
    }
    DTS_ASSIGN_OR_RETURN(rt.migrations, pg::load_migrations(config.migrations_root, kServiceName));
    if (config.code_key.empty()) {
      // Codes then only survive as long as this process; fine for `dts up`, not for production.
      config.code_key = random_token(32);
      log::warn("IDENTITY_CODE_KEY not set: using a per-process key (pending codes die on restart)");
    }
    {
      auto kek = config.key_encryption_key.empty()
                     ? KeyEncryption::load_or_create_file(config.key_encryption_key_file.string())
                     : KeyEncryption::from_base64(config.key_encryption_key);
      if (!kek.ok()) {
        return invalid_argument("IDENTITY_KEY_ENCRYPTION_KEY: " + kek.error().message());
      }
      rt.kek.emplace(std::move(*kek));
    }
    if (config.admin.access_key_id.empty()) {
      log::warn("IDENTITY_ADMIN_ACCESS_KEY_ID not set: Cognito admin actions are refused");
    }
    pg::PoolOptions options;
    options.conninfo = config.database_url;
    options.max_size = config.pool_size;
    rt.pool = std::make_unique<pg::Pool>(ctx.server.executor(), options);
    rt.pool_executor = ctx.server.executor();
    rt.store = std::make_unique<Store>(*rt.pool);
    rt.passwords = std::make_unique<PasswordWorker>(config.argon2, config.hash_threads);
    rt.issuer = std::make_unique<TokenIssuer>(
        [&config](std::string_view pool_id) { return config.issuer_for(pool_id); });
    // Signing keys: loaded (created on the first start) when the database is ready, then
    // re-checked every IDENTITY_KEY_CHECK_INTERVAL; each change swaps the issuer's keys.
    rt.key_store = std::make_unique<KeyStore>(*rt.pool, *rt.kek);
    KeyManagerOptions key_options;
    key_options.policy.rotate_after = config.key_rotate_after;
    key_options.policy.overlap = config.key_overlap;
    key_options.check_interval = config.key_check_interval;
    rt.keys = std::make_unique<KeyManager>(*rt.key_store, key_options, [&rt](const KeyRing& ring) {
      const SigningKey* active = ring.active(Clock::now());
      if (active == nullptr) return;
      Status st = rt.issuer->set_keys(active->key, ring.published(Clock::now()));
      if (!st.ok()) log::error("signing keys not installed", {{"error", st.error().to_string()}});
    });
    rt.triggers = std::make_unique<triggers::Triggers>(ctx.server.executor(), config.triggers);
    rt.accounts = std::make_unique<Accounts>(*rt.store, *rt.passwords, *rt.issuer,
                                             dev_mailbox_sender(*rt.store), accounts_options(config),
                                             rt.triggers.get());
    cognito::ApiOptions api;
    api.admin = config.admin;
    api.sigv4.max_skew = config.sigv4_max_skew;
    api.trust_forwarded_for = config.trust_forwarded_for;
    cognito::add_routes(ctx.server.router(), *rt.accounts, api);
    rt.codes = std::make_unique<oauth::CodeStore>(*rt.pool);
    oauth::ProviderOptions oauth_options;
    oauth_options.public_url = config.public_url;
    oauth_options.default_pool_id = config.default_pool_id;
    oauth_options.code_ttl = config.auth_code_ttl;
    oauth_options.csrf_max_age = config.csrf_max_age;
    oauth_options.jwks_max_age = config.jwks_max_age;
    Accounts* accounts = rt.accounts.get();
    oauth::Provider::Deps deps{
        *rt.store, *rt.codes, *rt.keys, *rt.issuer, *rt.kek,
        [accounts](const AppClient& client, std::string username, std::string password,
                   std::string ip) -> Task<Result<User>> {
          std::string pool_id = client.pool_id;
          co_return co_await accounts->authenticate_password(pool_id, std::move(username),
                                                             std::move(password), std::move(ip));
        },
        [accounts](const AppClient& client, std::string username, std::string email,
                   std::string password) -> Task<Status> {
          Attributes attributes;
          attributes["email"] = std::move(email);
          AppClient c = client;
          auto created = co_await accounts->sign_up(std::move(c), std::move(username),
                                                    std::move(password), std::move(attributes));
          if (!created.ok()) co_return created.error();
          co_return ok_status();
        },
        [accounts](const AppClient& client, std::string username, std::string code) -> Task<Status> {
          AppClient c = client;
          co_return co_await accounts->confirm_sign_up(std::move(c), std::move(username),
                                                       std::move(code));
        },
        rt.triggers.get()};
    rt.oauth = std::make_unique<oauth::Provider>(std::move(deps), oauth_options);
    rt.oauth->add_routes(ctx.server.router());

    ctx.server.set_readiness([&]() -> boost::asio::awaitable<Status> {
      DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await rt.pool->acquire());
      auto current = co_await pg::check_migrations(*lease, kServiceName, rt.migrations);
      if (!current.ok()) co_return current.error();
      if (!*current) co_return unavailable("migrations pending");
      DTS_CO_TRY(co_await ensure_keys(rt));
      if (!rt.bootstrapped.load()) {
        // Idempotent, so two concurrent first probes may both run it harmlessly.
        DTS_CO_TRY(co_await bootstrap_defaults(*rt.store, config));
        rt.bootstrapped.store(true);
      }
      co_return ok_status();
    });
    boost::asio::co_spawn(ctx.server.executor(), bootstrap_at_start(rt, config),
                          boost::asio::detached);
    boost::asio::co_spawn(ctx.server.executor(),
                          run_janitor(*rt.store, *rt.codes, std::chrono::minutes(10)),
                          boost::asio::detached);
    log::info("identity configured", {{"default_pool_id", config.default_pool_id},
                                      {"issuer", config.issuer_for(config.default_pool_id)},
                                      {"argon2_ops", config.argon2.ops},
                                      {"argon2_memory_bytes", config.argon2.memory_bytes},
                                      {"trigger_post_confirmation", rt.triggers->has_post_confirmation()},
                                      {"trigger_pre_token_generation", rt.triggers->has_pre_token_generation()}});
    return ok_status();
  });
}

void register_cli(CLI::App& root) {
  auto* cmd = root.add_subcommand("identity", "Run the identity provider (Cognito role)");
  cmd->footer("Environment: see src/identity/README.md (DATABASE_URL, PORT, IDENTITY_*).");
  auto* mailbox = cmd->add_subcommand(
      "mailbox", "Print the dev mailbox: codes and temporary passwords sent to users");
  static int64_t limit = 50;
  static bool as_json = false;
  mailbox->add_option("-n,--limit", limit, "Most recent messages to show")->check(CLI::Range(1, 10000));
  mailbox->add_flag("--json", as_json, "One JSON object per line");
  mailbox->callback([] { std::exit(print_mailbox(limit, as_json)); });
  cmd->callback([mailbox] {
    if (mailbox->parsed()) return;
    std::exit(run());
  });
}

}  // namespace dts::identity
