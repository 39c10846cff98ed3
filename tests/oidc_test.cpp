// The identity service's OIDC provider end to end with real OIDC clients: starts
// `dts identity` on a throwaway PostgreSQL, seeds a confidential client and a confirmed user
// through the service's own store, then runs tests/oidc/oidc.test.mjs (openid-client + jose,
// installed with `npm ci` from the committed package-lock.json when node_modules is missing).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "cli/child_process.hpp"
#include "common/http/client.hpp"
#include "common/ids.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/co_try.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/testing.hpp"
#include "identity/key_encryption.hpp"
#include "identity/password.hpp"
#include "identity/store.hpp"
#include "identity/username.hpp"
#include "loopback.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace dts::identity {
namespace {

constexpr const char* kPool = "us-east-1_E2Etest";
constexpr const char* kSpa = "e2espaclient";
constexpr const char* kSvc = "e2eserviceclient";
constexpr const char* kSvcSecret = "e2e-service-secret-0123456789";
constexpr const char* kWeb = "e2ewebclient";
constexpr const char* kWebSecret = "e2e-web-secret-0123456789";
constexpr const char* kRedirect = "http://localhost:3000/callback";
constexpr const char* kLogout = "http://localhost:3000/";
constexpr const char* kUser = "ada";
constexpr const char* kPassword = "Correct-Horse-9!";
constexpr const char* kEmail = "ada@example.com";
constexpr const char* kTenant = "tenant-42";
constexpr int kCodeTtlSeconds = 3;

using dts::e2e::free_port;

Status seed(const std::string& db) {
  return pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Status> {
    pg::Pool pool(ex, {.conninfo = db, .max_size = 2});
    Store store(pool);
    UserPool up;
    up.id = kPool;
    up.name = "e2e";
    DTS_CO_TRY(co_await store.ensure_pool(up));
    AppClient svc;
    svc.id = kSvc;
    svc.pool_id = kPool;
    svc.name = "e2e service";
    svc.secret = kSvcSecret;
    svc.allowed_scopes = {"dts/jobs.read", "dts/jobs.write"};
    svc.allowed_oauth_flows = {"client_credentials"};
    DTS_CO_TRY(co_await store.upsert_client(svc));
    AppClient web;  // a confidential client of the code flow (binding checks)
    web.id = kWeb;
    web.pool_id = kPool;
    web.name = "e2e web backend";
    web.secret = kWebSecret;
    web.callback_urls = {kRedirect};
    web.allowed_scopes = {"openid", "email"};
    web.allowed_oauth_flows = {"code"};
    DTS_CO_TRY(co_await store.upsert_client(web));
    auto name = normalize_username(kUser);
    if (!name.ok()) co_return name.error();
    auto hash = hash_password(kPassword, Argon2Params{.ops = 1, .memory_bytes = 8ull << 20});
    if (!hash.ok()) co_return hash.error();
    User u;
    u.id = ids::new_uuid_v4();
    u.pool_id = kPool;
    u.username = name->display;
    u.username_key = name->key;
    u.attributes = {{"email", kEmail}, {"email_verified", "true"}, {"custom:tenant_id", kTenant}};
    u.status = UserStatus::kConfirmed;
    u.password_hash = *hash;
    auto created = co_await store.create_user(u, name->skeleton);
    if (!created.ok()) co_return created.error();
    for (auto [group, precedence] : {std::pair{"member", 2}, std::pair{"admin", 0}}) {
      Group g;
      g.pool_id = kPool;
      g.name = group;
      g.precedence = precedence;
      DTS_CO_TRY(co_await store.ensure_group(g));
      DTS_CO_TRY(co_await store.add_member(kPool, group, created->id));
    }
    co_return ok_status();
  });
}

bool wait_ready(uint16_t port, cli::ChildProcess& child, std::string& log) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/readyz";
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto lines = child.read_lines()) {
      for (const auto& l : *lines) log += l + "\n";
    }
    if (child.try_wait()) return false;
    auto r = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<http::Response>> {
      http::Client c(ex, {.connect_timeout = 500ms, .request_timeout = 1s, .max_retries = 0});
      co_return co_await c.get(url);
    });
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(OidcEndToEnd, OpenidClientAndJose) {
  fs::path dir = fs::path(DTS_SOURCE_DIR) / "tests" / "oidc";
  if (!fs::exists(dir / "node_modules" / "openid-client")) {
    std::string cmd = "cd '" + dir.string() + "' && npm ci --no-audit --no-fund >&2";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "npm ci failed (nodejs and npm come from `make deps`)";
  }
  std::string db = pg::testing::fresh_database();
  auto migrated = pg::migrate(db, fs::path(DTS_SOURCE_DIR) / "migrations", "identity");
  ASSERT_TRUE(migrated.ok()) << migrated.error().to_string();
  Status seeded = seed(db);
  ASSERT_TRUE(seeded.ok()) << seeded.error().to_string();

  uint16_t port = free_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  cli::ChildSpec spec;
  spec.program = DTS_BINARY;
  spec.args = {"identity"};
  spec.env = {{"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
              {"DATABASE_URL", db},
              {"DTS_ROOT", DTS_SOURCE_DIR},
              {"PORT", std::to_string(port)},
              {"LOG_LEVEL", "warn"},
              {"IDENTITY_DEFAULT_POOL_ID", kPool},
              {"IDENTITY_SPA_CLIENT_ID", kSpa},
              {"IDENTITY_SPA_CALLBACK_URLS", kRedirect},
              {"IDENTITY_SPA_LOGOUT_URLS", kLogout},
              {"IDENTITY_ISSUER_BASE", base},
              {"IDENTITY_KEY_ENCRYPTION_KEY", KeyEncryption::generate_base64()},
              {"IDENTITY_AUTH_CODE_TTL", std::to_string(kCodeTtlSeconds) + "s"},
              // The key reload loop runs many times during the test (it once crashed after
              // its first interval).
              {"IDENTITY_KEY_CHECK_INTERVAL", "1s"},
              {"IDENTITY_ARGON2_OPS", "1"},
              {"IDENTITY_ARGON2_MEMORY", "8MiB"}};
  auto child = cli::ChildProcess::spawn(spec);
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  std::string log;
  bool ready = wait_ready(port, *child, log);
  if (!ready) {
    child->signal(SIGKILL);
    FAIL() << "dts identity did not become ready:\n" << log;
  }

  std::string env = "ISSUER='" + base + "/" + kPool + "' BASE_URL='" + base + "' SPA_CLIENT_ID=" +
                    kSpa + " SPA_REDIRECT_URI='" + kRedirect + "' SPA_LOGOUT_URI='" + kLogout +
                    "' SVC_CLIENT_ID=" + kSvc + " SVC_CLIENT_SECRET='" + kSvcSecret +
                    "' WEB_CLIENT_ID=" + kWeb + " WEB_CLIENT_SECRET='" + kWebSecret +
                    "' SVC_SCOPE='dts/jobs.read' USERNAME=" + kUser + " PASSWORD='" + kPassword +
                    "' USER_EMAIL='" + kEmail + "' TENANT_ID='" + kTenant +
                    "' USER_GROUPS='admin,member' CODE_TTL_SECONDS=" +
                    std::to_string(kCodeTtlSeconds);
  std::string cmd = "cd '" + dir.string() + "' && " + env + " node --test oidc.test.mjs 2>&1";
  int status = std::system(cmd.c_str());

  child->signal(SIGTERM);
  for (int i = 0; i < 500 && !child->try_wait(); ++i) {
    if (auto lines = child->read_lines()) {
      for (const auto& l : *lines) log += l + "\n";
    }
    std::this_thread::sleep_for(10ms);
  }
  if (!child->exited()) child->signal(SIGKILL);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "node --test failed; service log:\n" << log;
}

}  // namespace
}  // namespace dts::identity
