// The authorization matrix end to end: every route of the platform policy x role x same /
// other tenant, sent as real HTTP requests through the real `dts gateway` process, which runs
// the repository's deploy/gateway.yaml and policies/ bundle, verifies real RS256 access
// tokens against a JWKS it fetches over HTTP, and forwards to small stand-ins for identity,
// core, billing and secrets. The stand-ins record every request that reaches them and, like
// a real service (common/internal_auth.hpp), refuse any request whose X-Dts-Signature does not
// verify with DTS_INTERNAL_KEY.
//
// Expectations come from the shared spec (src/gateway/testing/authz_spec.hpp) and the
// tenant-selection rules of policies/README.md, never from what the policy answers. For every
// cell: the status (200 / 403 / 401); a denied request reached no service; an allowed one
// reached exactly the right service, signed, with the right X-Dts-Principal/Tenant/Groups;
// the forged X-Dts-* headers every request carries were stripped.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "cli/child_process.hpp"
#include "common/http/problem.hpp"
#include "common/internal_auth.hpp"
#include "gateway/pep/test_support.hpp"
#include "gateway/testing/authz_spec.hpp"
#include "gateway/testing/harness.hpp"
#include "loopback.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace dts::gateway {
namespace {

using pep::testing::Idp;
using pep::testing::kInternalKey;
using testing::Reply;
using testing::send;

using dts::e2e::free_port;

// What one request looked like when it reached a stand-in.
struct Seen {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> x_dts;  // every X-Dts-* field, lower-case
  std::string request_id;
  std::string forwarded_for;
  bool signature_ok = false;
  std::string principal, tenant, groups;  // from internal_auth, when the signature verified
};

// A stand-in service: records what reached it; answers 200 with the identity it verified,
// or 401 when the gateway's signature is missing or wrong (if it requires one, as core,
// billing and secrets do; identity's routes are public and unsigned).
class StandIn {
 public:
  StandIn(std::string name, bool require_signature)
      : name_(std::move(name)),
        require_signature_(require_signature),
        signer_(internal_auth::InternalSigner::create(kInternalKey).value()) {
    auto handler = [this](http::Request& req) -> boost::asio::awaitable<Result<http::Response>> {
      co_return handle(req);
    };
    server_.router().add("*", "/", handler);
    server_.router().add("*", "/{rest...}", handler);
    port_ = server_.start();
  }

  http::Response handle(const http::Request& req) {
    Seen s;
    s.method = req.method;
    s.target = req.target;
    for (const auto& [n, v] : req.headers) {
      std::string lower = n;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("x-dts-", 0) == 0) s.x_dts.emplace_back(lower, v);
    }
    s.request_id = std::string(req.header("X-Request-Id"));
    s.forwarded_for = std::string(req.header("X-Forwarded-For"));
    auto caller = signer_.authenticate(req, std::chrono::system_clock::now());
    s.signature_ok = caller.ok();
    if (caller.ok()) {
      s.principal = caller->principal;
      s.tenant = caller->tenant;
      s.groups = std::string(req.header("X-Dts-Groups"));
    }
    {
      std::lock_guard lock(mu_);
      seen_.push_back(s);
    }
    if (require_signature_ && !caller.ok()) {
      return http::problem(401, "unsigned request: " + caller.error().message(), req.request_id);
    }
    return http::Response::json(
        json::object{{"service", name_}, {"principal", s.principal}, {"tenant", s.tenant}});
  }

  const std::string& name() const { return name_; }
  uint16_t port() const { return port_; }
  size_t count() const {
    std::lock_guard lock(mu_);
    return seen_.size();
  }
  Seen last() const {
    std::lock_guard lock(mu_);
    return seen_.back();
  }

 private:
  std::string name_;
  bool require_signature_;
  internal_auth::InternalSigner signer_;
  http::testing::TestServer server_{testing::Upstream::options()};
  uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// `dts gateway` as a child process; its output is drained on a thread (a full pipe would
// stall the gateway's logging and, with it, requests).
class GatewayProcess {
 public:
  explicit GatewayProcess(std::map<std::string, std::string> env) {
    env["PATH"] = "/usr/bin:/bin";
    auto child = cli::ChildProcess::spawn({DTS_BINARY, {"gateway"}, std::move(env), SIGTERM});
    EXPECT_TRUE(child.ok());
    if (!child.ok()) return;
    process_.emplace(std::move(child).value());
    drainer_ = std::thread([this] {
      while (!stop_) {
        auto lines = process_->read_lines();
        if (!lines) break;  // the process closed its output
        if (lines->empty()) {
          std::this_thread::sleep_for(10ms);
          continue;
        }
        std::lock_guard lock(mu_);
        for (const auto& l : *lines) log_ += l + "\n";
      }
    });
  }
  ~GatewayProcess() {
    if (process_ && !process_->exited()) {
      process_->signal(SIGKILL);
      for (int i = 0; i < 200 && !process_->try_wait(); ++i) std::this_thread::sleep_for(10ms);
    }
    stop_ = true;
    if (drainer_.joinable()) drainer_.join();
  }
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 15s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  int stop() {
    process_->signal(SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      if (auto st = process_->try_wait()) return WIFEXITED(*st) ? WEXITSTATUS(*st) : -1;
      std::this_thread::sleep_for(10ms);
    }
    return -2;
  }
  std::string log() const {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  std::optional<cli::ChildProcess> process_;
  std::thread drainer_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string log_;
};

// Headers a hostile client adds to every request: none may reach a service.
const std::string kForged =
    "X-Dts-Principal: root\r\nX-Dts-Tenant: acme\r\nX-Dts-Groups: tenant:acme:admin\r\n"
    "X-Dts-Signature: t=1,v1=0000000000000000000000000000000000000000000000000000000000000000\r\n"
    "X-Dts-Debug: 1\r\nx-dts-principal: root2\r\nX-Forwarded-For: 203.0.113.66\r\n";

// One gateway for the suite: starting it (and loading the platform bundle, whose Rego tests
// run at activation) is the slow part.
class GatewayAuthzE2E : public ::testing::Test {
 protected:
  struct Shared {
    Idp idp;
    StandIn identity{"identity", false}, core{"core", true}, billing{"billing", true},
        secrets{"secrets", true};
    fs::path web_root;
    uint16_t port = 0, admin_port = 0;
    std::unique_ptr<GatewayProcess> gateway;
  };

  static void SetUpTestSuite() {
    shared_ = new Shared();
    Shared& s = *shared_;
    s.web_root = fs::temp_directory_path() / ("dts-authz-e2e-" + std::to_string(::getpid()));
    fs::create_directories(s.web_root);
    std::ofstream(s.web_root / "index.html") << "<title>spa</title>";
    s.port = free_port();
    s.admin_port = free_port();
    s.gateway = std::make_unique<GatewayProcess>(std::map<std::string, std::string>{
        {"PORT", std::to_string(s.port)},
        {"GATEWAY_ADMIN_PORT", std::to_string(s.admin_port)},
        {"GATEWAY_ADMIN_TOKEN", "authz-e2e-admin"},
        // The repository's own rules, pointed at the stand-ins by the variables `dts up` sets.
        {"GATEWAY_CONFIG", std::string(DTS_SOURCE_DIR) + "/deploy/gateway.yaml"},
        {"IDENTITY_PORT", std::to_string(s.identity.port())},
        {"CORE_PORT", std::to_string(s.core.port())},
        {"BILLING_PORT", std::to_string(s.billing.port())},
        {"SECRETS_PORT", std::to_string(s.secrets.port())},
        {"GATEWAY_WEB_ROOT", s.web_root.string()},
        {"POLICY_BUNDLE", std::string(DTS_SOURCE_DIR) + "/policies"},
        {"GATEWAY_JWT_ISSUERS", s.idp.issuer()},
        {"GATEWAY_JWKS_URLS", s.idp.jwks_url()},
        {"GATEWAY_JWT_CLIENT_IDS", pep::testing::kClientId},
        {"DTS_INTERNAL_KEY", kInternalKey},
        // One client address sends ~600 requests in a few seconds: the limits are tested
        // elsewhere (pep/enforcer_test.cpp).
        {"GATEWAY_RATE_LIMIT_IP_RPS", "0"},
        {"GATEWAY_RATE_LIMIT_PRINCIPAL_RPS", "0"},
        {"HTTP_THREADS", "2"},
        {"SHUTDOWN_GRACE", "2s"}});
  }
  static void TearDownTestSuite() {
    fs::remove_all(shared_->web_root);
    delete shared_;
    shared_ = nullptr;
  }

  void SetUp() override {
    // Both listeners up (a connection to a closed port would abort the test).
    for (uint16_t p : {s_.port, s_.admin_port}) {
      ASSERT_TRUE(s_.gateway->wait_for("\"listening\",\"address\":\"127.0.0.1\",\"port\":" +
                                       std::to_string(p)))
          << s_.gateway->log();
    }
    // Every group healthy (the first active check runs at start), so no cell depends on
    // fail-open or on timing.
    bool healthy = false;
    auto deadline = std::chrono::steady_clock::now() + 20s;  // generous: ctest -j on 2 cores
    while (!healthy && std::chrono::steady_clock::now() < deadline) {
      Reply r = send(s_.admin_port, "GET", "/admin/target-groups",
                     "Authorization: Bearer authz-e2e-admin\r\n");
      healthy = r.status == 200 && r.body.find("\"initial\"") == std::string::npos &&
                r.body.find("\"unhealthy\"") == std::string::npos;
      if (!healthy) std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(healthy) << s_.gateway->log();
  }

  std::vector<StandIn*> services() { return {&s_.identity, &s_.core, &s_.billing, &s_.secrets}; }
  StandIn& service_for(std::string_view path) {
    if (path.starts_with("/api/core")) return s_.core;
    if (path.starts_with("/api/billing")) return s_.billing;
    if (path.starts_with("/api/secrets")) return s_.secrets;
    return s_.identity;
  }
  std::vector<size_t> counts() {
    std::vector<size_t> c;
    for (auto* s : services()) c.push_back(s->count());
    return c;
  }

  // A token for a user whose sub names the role (so a mixed-up principal shows).
  std::string token(const std::string& sub, const std::vector<std::string>& groups) {
    json::object claims = s_.idp.access_claims(groups);
    claims["sub"] = sub;
    return s_.idp.token(claims);
  }

  struct Cell {
    std::string method, path, token, tenant_header;
  };
  Reply call(const Cell& c) {
    std::string extra = kForged;
    if (!c.token.empty()) extra += "Authorization: Bearer " + c.token + "\r\n";
    if (!c.tenant_header.empty()) extra += "X-Tenant-Id: " + c.tenant_header + "\r\n";
    std::string body = c.method == "POST" || c.method == "PUT" || c.method == "PATCH" ? "{}" : "";
    return send(s_.port, c.method, c.path, extra, body);
  }

  // Checks one cell. `expect` is 200, 401 or 403; for 200, the identity the service must see.
  void check(const Cell& c, int expect, const std::string& what, const std::string& principal = "",
             const std::string& tenant = "", const std::string& groups = "") {
    auto before = counts();
    Reply r = call(c);
    auto after = counts();
    ++cells_;
    ASSERT_EQ(r.status, expect) << what << "\n" << r.head << "\n" << r.body;
    if (expect != 200) {
      EXPECT_EQ(after, before) << what << ": a denied request reached a service";
      EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << what;
      auto problem = json::parse(r.body).as_object();
      EXPECT_EQ(problem.at("status").as_int64(), expect) << what;
      EXPECT_EQ(problem.at("request_id").as_string(), r.header("X-Request-Id")) << what;
      if (expect == 401) {
        EXPECT_NE(r.header("WWW-Authenticate").find("Bearer"), std::string::npos) << what;
      }
      return;
    }
    StandIn& target = service_for(c.path);
    for (size_t i = 0; i < after.size(); ++i) {
      size_t want = before[i] + (services()[i] == &target ? 1 : 0);
      EXPECT_EQ(after[i], want) << what << ": reached " << services()[i]->name();
    }
    auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("service").as_string(), target.name()) << what;
    Seen seen = target.last();
    EXPECT_EQ(seen.method, c.method) << what;
    EXPECT_FALSE(seen.request_id.empty()) << what;
    EXPECT_EQ(seen.request_id, r.header("X-Request-Id")) << what;
    if (&target == &s_.identity) {
      // Public, unprotected: the gateway strips /auth and every X-Dts-* header, adds none.
      EXPECT_EQ(seen.target, c.path.substr(5).empty() ? "/" : c.path.substr(5)) << what;
      EXPECT_TRUE(seen.x_dts.empty())
          << what << ": " << seen.x_dts.front().first << "=" << seen.x_dts.front().second;
      // Identity takes the client address from the last X-Forwarded-For hop
      // (IDENTITY_TRUST_FORWARDED_FOR): the gateway must have appended the real one.
      EXPECT_TRUE(seen.forwarded_for.ends_with("127.0.0.1")) << what << ": " << seen.forwarded_for;
      return;
    }
    EXPECT_EQ(seen.target, c.path) << what;
    EXPECT_TRUE(seen.signature_ok) << what << ": the service could not verify the signature";
    EXPECT_EQ(seen.principal, principal) << what;
    EXPECT_EQ(seen.tenant, tenant) << what;
    EXPECT_EQ(seen.groups, groups) << what;
    // Exactly the gateway's four identity headers, each once: the forged ones are gone.
    std::map<std::string, int> names;
    for (const auto& [n, v] : seen.x_dts) ++names[n];
    std::map<std::string, int> want = {
        {"x-dts-principal", 1}, {"x-dts-tenant", 1}, {"x-dts-groups", 1}, {"x-dts-signature", 1}};
    EXPECT_EQ(names, want) << what;
  }

  static inline Shared* shared_ = nullptr;
  Shared& s_ = *shared_;
  int cells_ = 0;
};

TEST_F(GatewayAuthzE2E, EveryTenantRouteByRoleAndTenant) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> principals = gateway::testing::roles();
  principals.push_back("none");  // signed in, no role in any tenant
  for (const auto& row : gateway::testing::tenant_routes()) {
    for (const auto& role : principals) {
      std::vector<std::string> groups;
      if (role != "none") groups.push_back("tenant:acme:" + role);
      std::string sub = "user-" + role;
      std::string t = token(sub, groups);
      bool allowed = row.allowed.count(role) > 0;
      std::string encoded = role == "none" ? "" : "tenant:acme:" + role;
      std::string what = std::string(row.method) + " " + row.path + " as " + role;
      // Same tenant: chosen from the user's only tenant group, and named in X-Tenant-Id.
      check({row.method, row.path, t, ""}, allowed ? 200 : 403, what + " (own tenant implied)", sub,
            "acme", encoded);
      check({row.method, row.path, t, "acme"}, allowed ? 200 : 403, what + " (own tenant named)",
            sub, "acme", encoded);
      // Another tenant: no role there, whatever the role here.
      check({row.method, row.path, t, "globex"}, 403, what + " in another tenant");
      if (HasFatalFailure()) return;
    }
    check({row.method, row.path, "", ""}, 401,
          std::string(row.method) + " " + row.path + " anonymous");
    check({row.method, row.path, "", "acme"}, 401,
          std::string(row.method) + " " + row.path + " anonymous naming a tenant");
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(cells_, static_cast<int>(gateway::testing::tenant_routes().size() *
                                     (principals.size() * 3 + 2)));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  std::cout << "[ matrix ] " << cells_ << " requests through the gateway in " << ms << " ms\n";
}

TEST_F(GatewayAuthzE2E, SignedInAndPublicRoutes) {
  std::vector<std::string> principals = gateway::testing::roles();
  principals.push_back("none");
  for (const auto& route : gateway::testing::signed_in_routes()) {
    std::string what = std::string(route.method) + " " + route.path;
    for (const auto& role : principals) {
      std::vector<std::string> groups;
      if (role != "none") groups.push_back("tenant:acme:" + role);
      std::string sub = "user-" + role;
      std::string t = token(sub, groups);
      std::string encoded = role == "none" ? "" : "tenant:acme:" + role;
      // Any signed-in user, in any tenant or none. The tenant is passed on only when the
      // caller is in it: naming globex, where nobody here has a role, passes no tenant.
      check({route.method, route.path, t, ""}, 200, what + " as " + role, sub,
            role == "none" ? "" : "acme", encoded);
      check({route.method, route.path, t, "globex"}, 200, what + " as " + role + " for globex", sub,
            "", encoded);
    }
    check({route.method, route.path, "", ""}, 401, what + " anonymous");
  }
  for (const auto& route : gateway::testing::public_routes()) {
    std::string what = std::string(route.method) + " " + route.path;
    check({route.method, route.path, "", ""}, 200, what + " anonymous");
    check({route.method, route.path, token("user-admin", {"tenant:acme:admin"}), "acme"}, 200,
          what + " signed in");
  }
  // Outside the route table: /api/<unknown> is the gateway's own 404 (no service, no PEP);
  // an unknown path under a protected prefix is 403 for everyone, 401 for anonymous.
  std::string admin = token("user-admin", {"tenant:acme:admin"});
  auto before = counts();
  EXPECT_EQ(call({"GET", "/api/unknown", admin, ""}).status, 404);
  EXPECT_EQ(counts(), before);
  check({"GET", "/api/core/nothing-here", admin, ""}, 403, "unknown core route as admin");
  check({"GET", "/api/secrets/a/../../core/datasets", "", ""}, 401,
        "dot segments resolved before the policy");
}

// A user with roles in two tenants must name one; each request gets exactly that tenant's
// roles.
TEST_F(GatewayAuthzE2E, SeveralTenantsThroughTheGateway) {
  std::string t = token("user-multi", {"tenant:acme:admin", "tenant:globex:viewer"});
  std::string groups = "tenant:acme:admin,tenant:globex:viewer";
  check({"GET", "/api/core/datasets", t, ""}, 403, "no tenant selected");
  check({"DELETE", "/api/core/datasets/d-1", t, "acme"}, 200, "admin in acme", "user-multi", "acme",
        groups);
  check({"DELETE", "/api/core/datasets/d-1", t, "globex"}, 403, "viewer in globex");
  check({"GET", "/api/core/datasets/d-1", t, "globex"}, 200, "viewer reads in globex", "user-multi",
        "globex", groups);
  check({"GET", "/api/core/datasets", t, "initech"}, 403, "no role in initech");
  Reply bad = call({"GET", "/api/core/datasets", t, "acme corp"});
  EXPECT_EQ(bad.status, 400);
}

// The stand-ins behave like real services: without the gateway's signature they refuse, so
// "the service saw a valid signature" above means something.
TEST_F(GatewayAuthzE2E, ServicesRefuseUnsignedOrAlteredRequests) {
  for (StandIn* s : {&s_.core, &s_.billing, &s_.secrets}) {
    Reply direct = send(s->port(), "GET", "/api/core/datasets", kForged);
    EXPECT_EQ(direct.status, 401) << s->name() << ": " << direct.body;
    EXPECT_FALSE(s->last().signature_ok);
  }
  // A request signed by the gateway, replayed with another tenant: refused.
  std::string t = token("user-admin", {"tenant:acme:admin"});
  Reply ok = call({"GET", "/api/core/datasets", t, ""});
  ASSERT_EQ(ok.status, 200);
  Seen seen = s_.core.last();
  std::string replay;
  for (const auto& [n, v] : seen.x_dts) {
    replay += n + ": " + (n == "x-dts-tenant" ? std::string("globex") : v) + "\r\n";
  }
  replay += "X-Request-Id: " + seen.request_id + "\r\n";
  EXPECT_EQ(send(s_.core.port(), "GET", "/api/core/datasets", replay).status, 401);
  // Unaltered, it verifies (within the signature's 60 s window).
  std::string same;
  for (const auto& [n, v] : seen.x_dts) same += n + ": " + v + "\r\n";
  same += "X-Request-Id: " + seen.request_id + "\r\n";
  EXPECT_EQ(send(s_.core.port(), "GET", "/api/core/datasets", same).status, 200);
}

TEST_F(GatewayAuthzE2E, StopsCleanly) { EXPECT_EQ(s_.gateway->stop(), 0) << s_.gateway->log(); }

}  // namespace
}  // namespace dts::gateway
