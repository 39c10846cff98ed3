// The platform policy through the enforcement point: every route x role x same/other
// tenant, with real tokens, the real JWKS fetch and the real policies/ bundle. The expected
// table is the specification (gateway/testing/authz_spec.hpp, shared with the end-to-end
// test through the gateway process; the same one policies/dts/authz_test.rego checks in Rego);
// here it proves that tokens, groups, tenant selection and the input document fit the
// policy end to end.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/internal_auth.hpp"
#include "gateway/pep/test_support.hpp"
#include "gateway/testing/authz_spec.hpp"

namespace dts::gateway::pep {
namespace {

using namespace testing;

using gateway::testing::roles;
using gateway::testing::tenant_routes;

// One enforcer for the suite (the tests only read it): loading the platform bundle runs its
// Rego test matrix, which is worth doing once, not per test.
class AuthzMatrix : public ::testing::Test {
 protected:
  struct Shared {
    asio::io_context ioc;
    Idp idp;
    std::unique_ptr<Enforcer> enforcer;
  };
  static void SetUpTestSuite() {
    shared_ = new Shared();
    shared_->enforcer =
        Enforcer::create(shared_->idp.config(platform_policies()), shared_->ioc.get_executor())
            .value();
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  Decision call(const std::string& method, const std::string& path, const std::string& token,
                const std::string& tenant_header = "") {
    Req r;
    r.method = method;
    r.path = path;
    if (!token.empty()) r.bearer(token);
    if (!tenant_header.empty()) r.headers.set("X-Tenant-Id", tenant_header);
    return enforce(ioc_, *enforcer_, r);
  }

  static inline Shared* shared_ = nullptr;
  asio::io_context& ioc_ = shared_->ioc;
  Idp& idp_ = shared_->idp;
  std::unique_ptr<Enforcer>& enforcer_ = shared_->enforcer;
};

TEST_F(AuthzMatrix, EveryTenantRouteByRoleAndTenant) {
  std::map<std::string, std::string> tokens;
  for (const auto& role : roles()) tokens[role] = idp_.token_for({"tenant:acme:" + role});
  int checked = 0;
  for (const auto& row : tenant_routes()) {
    for (const auto& role : roles()) {
      std::string what = std::string(row.method) + " " + row.path + " as " + role;
      // Same tenant: acme resolved from the single tenant group, and named explicitly.
      bool want = row.allowed.count(role) > 0;
      for (const std::string& header : std::vector<std::string>{"", "acme"}) {
        Decision d = call(row.method, row.path, tokens[role], header);
        EXPECT_EQ(d.allow, want) << what << " tenant header '" << header << "': " << d.detail;
        EXPECT_EQ(d.status, want ? 200 : 403) << what;
        if (want) {
          EXPECT_EQ(header_of(d, "X-Dts-Tenant"), "acme") << what;
        }
        ++checked;
      }
      // Other tenant: the same role, but acting for globex.
      Decision other = call(row.method, row.path, tokens[role], "globex");
      EXPECT_FALSE(other.allow) << what << " in another tenant";
      EXPECT_EQ(other.status, 403) << what << " in another tenant";
      EXPECT_EQ(other.tenant, "globex");
      ++checked;
      // Anonymous.
      Decision anon = call(row.method, row.path, "");
      EXPECT_EQ(anon.status, 401) << row.method << " " << row.path << " anonymous";
    }
  }
  EXPECT_EQ(checked, static_cast<int>(tenant_routes().size() * roles().size() * 3));
}

// The spec must name every route of the policy's data (a route added to data.json without a
// row here is untested), and its "not in the table" rows must really be absent from it.
TEST(AuthzSpec, CoversEveryRouteOfThePolicyData) {
  std::ifstream in(platform_policies() + "/dts/data.json");
  std::stringstream text;
  text << in.rdbuf();
  boost::json::value data = boost::json::parse(text.str());
  const auto& routes = data.at("routes").as_object();
  ASSERT_GT(routes.size(), 20u);
  auto covered = [](std::string_view key) {
    for (const auto& r : tenant_routes()) {
      if (!r.allowed.empty() && gateway::testing::route_key_matches(key, r.method, r.path)) {
        return true;
      }
    }
    for (const auto& r : gateway::testing::signed_in_routes()) {
      if (gateway::testing::route_key_matches(key, r.method, r.path)) return true;
    }
    for (const auto& r : gateway::testing::public_routes()) {
      if (gateway::testing::route_key_matches(key, r.method, r.path)) return true;
    }
    return false;
  };
  for (const auto& [key, route] : routes) {
    EXPECT_TRUE(covered(key)) << "route " << key << " has no row in gateway/testing/authz_spec.hpp";
  }
  for (const auto& r : tenant_routes()) {
    int matching = 0;
    for (const auto& [key, route] : routes) {
      matching += gateway::testing::route_key_matches(key, r.method, r.path);
    }
    EXPECT_EQ(matching, r.allowed.empty() ? 0 : 1) << r.method << " " << r.path;
  }
  EXPECT_TRUE(gateway::testing::route_pattern_matches("/auth/**", "/auth"));
  EXPECT_TRUE(gateway::testing::route_pattern_matches("/a/*/c", "/a/b/c"));
  EXPECT_FALSE(gateway::testing::route_pattern_matches("/a/*/c", "/a/b/c/d"));
  EXPECT_FALSE(gateway::testing::route_pattern_matches("/a/*", "/a"));
}

TEST_F(AuthzMatrix, PublicAndSignedInRoutes) {
  for (const std::string& path :
       std::vector<std::string>{"/auth/oauth2/authorize", "/auth/login", "/auth"}) {
    Decision d = call("GET", path, "");
    EXPECT_TRUE(d.allow) << path << ": " << d.detail;
    EXPECT_EQ(header_of(d, "X-Dts-Principal"), "") << "anonymous carries no principal";
  }
  // Signed in, in any tenant or none.
  std::string no_groups = idp_.token_for({});
  EXPECT_TRUE(call("GET", "/api/core/me", no_groups).allow);
  EXPECT_TRUE(call("GET", "/api/billing/plans", idp_.token_for({"tenant:x:viewer"})).allow);
  EXPECT_EQ(call("GET", "/api/core/me", "").status, 401);
  // A signed-in-only route with a tenant the caller has no role in: allowed, but the gateway
  // does not vouch for that tenant; its own tenant is passed on.
  std::string acme_admin = idp_.token_for({"tenant:acme:admin"});
  Decision foreign = call("GET", "/api/core/me", acme_admin, "globex");
  ASSERT_TRUE(foreign.allow) << foreign.detail;
  EXPECT_EQ(foreign.tenant, "");
  EXPECT_EQ(header_of(foreign, "X-Dts-Tenant"), "");
  Decision own = call("GET", "/api/core/me", acme_admin, "acme");
  ASSERT_TRUE(own.allow) << own.detail;
  EXPECT_EQ(header_of(own, "X-Dts-Tenant"), "acme");
  EXPECT_EQ(header_of(call("GET", "/api/core/me", acme_admin), "X-Dts-Tenant"), "acme");
  // Unknown route: deny.
  EXPECT_EQ(call("GET", "/api/nothing", idp_.token_for({"tenant:acme:admin"})).status, 403);
}

TEST_F(AuthzMatrix, SeveralTenantsNeedTheHeader) {
  std::string t = idp_.token_for({"tenant:acme:admin", "tenant:globex:viewer"});
  Decision none = call("GET", "/api/core/datasets", t);
  EXPECT_EQ(none.status, 403) << "ambiguous tenant: none selected";
  EXPECT_NE(none.detail.find("no tenant selected"), std::string::npos) << none.detail;
  EXPECT_TRUE(call("DELETE", "/api/core/datasets/d-1", t, "acme").allow);
  EXPECT_FALSE(call("DELETE", "/api/core/datasets/d-1", t, "globex").allow);
  EXPECT_TRUE(call("GET", "/api/core/datasets/d-1", t, "globex").allow);
  for (const std::string& bad :
       std::vector<std::string>{"acme corp", "a/b", std::string(65, 'a'), "acme\x01", "\xc3\xa9"}) {
    Decision d = call("GET", "/api/core/datasets", t, bad);
    EXPECT_EQ(d.status, 400) << bad;
    EXPECT_EQ(d.reason, "bad_tenant");
  }
}

TEST_F(AuthzMatrix, UpstreamIdentityIsSignedForTheService) {
  std::string t = idp_.token_for({"tenant:acme:member", "team,with%comma"});
  Req r;
  r.method = "POST";
  r.path = "/api/core/jobs";
  r.bearer(t);
  Decision d = enforce(ioc_, *enforcer_, r);
  ASSERT_TRUE(d.allow) << d.detail;
  EXPECT_EQ(header_of(d, "X-Dts-Groups"), "tenant:acme:member,team%2Cwith%25comma");
  // What a service does with the forwarded request.
  http::Request upstream;
  upstream.method = r.method;
  upstream.path = r.path;
  for (const auto& [k, v] : d.upstream_headers) upstream.headers.set(k, v);
  upstream.headers.set("X-Request-Id", r.request_id);
  auto signer = internal_auth::InternalSigner::create(kInternalKey).value();
  auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(signer.verify_request(upstream, now).ok());
  upstream.headers.set("X-Dts-Tenant", "globex");
  EXPECT_FALSE(signer.verify_request(upstream, now).ok()) << "tenant swapped after signing";
  // A rewritten upstream path (a rule's strip_prefix) is what the gateway signs.
  upstream.headers.set("X-Dts-Tenant", "acme");
  upstream.path = "/jobs";
  EXPECT_FALSE(signer.verify_request(upstream, now).ok());
  r.signed_path = "/jobs";
  Decision stripped = enforce(ioc_, *enforcer_, r);
  ASSERT_TRUE(stripped.allow) << stripped.detail;
  for (const auto& [k, v] : stripped.upstream_headers) upstream.headers.set(k, v);
  EXPECT_TRUE(signer.verify_request(upstream, now).ok());
  upstream.path = "/api/core/jobs";
  EXPECT_FALSE(signer.verify_request(upstream, now).ok()) << "the policy's path is not signed";
}

TEST_F(AuthzMatrix, DeniedDecisionsRenderProblemJson) {
  Decision d = call("GET", "/api/core/datasets", "");
  http::Response resp = to_response(d, "req-1234567890");
  EXPECT_EQ(resp.status, 401u);
  EXPECT_EQ(resp.headers.get("WWW-Authenticate"), "Bearer realm=\"dts\"");
  EXPECT_NE(resp.headers.get("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_NE(resp.body.find("\"request_id\":\"req-1234567890\""), std::string::npos) << resp.body;
  Decision f = call("POST", "/api/secrets", idp_.token_for({"tenant:acme:viewer"}));
  http::Response forbidden = to_response(f, "req-1234567890");
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_NE(forbidden.body.find("no role in tenant acme grants secrets:create"), std::string::npos)
      << forbidden.body;
}

}  // namespace
}  // namespace dts::gateway::pep
