// Enforcer behaviour beyond tokens: policy hot reload (local bundle), a remote PDP over
// OPA's REST API, decision objects with headers, rate limits, metrics.

#include "gateway/pep/enforcer.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/pep/test_support.hpp"
#include "policy/pdp/test_harness.hpp"

namespace dts::gateway::pep {
namespace {

using namespace testing;
using policy::pdp::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr const char* kGetOnly = R"(package dts.authz

import rego.v1

default allow := false

allow if input.method == "GET"

reason := "get only"
)";

constexpr const char* kGetAndPost = R"(package dts.authz

import rego.v1

default allow := false

allow if input.method in {"GET", "POST"}

reason := "get and post"

headers := {"X-Policy-Version": "2", "X-Dts-Principal": "forged", "Bad Name": "x"}
)";

constexpr const char* kBroken = R"(package dts.authz

import rego.v1

allow if {
)";

std::string write_bundle(const TempDir& dir, const std::string& source) {
  dir.write("dts/authz.rego", source);
  return dir.path().string();
}

class EnforcerTest : public ::testing::Test {
 protected:
  Decision call(const Enforcer& e, const std::string& method, const std::string& token,
                const std::string& ip = "192.0.2.1") {
    Req r;
    r.method = method;
    r.ip = ip;
    if (!token.empty()) r.bearer(token);
    return enforce(ioc_, e, r);
  }

  asio::io_context ioc_;
  Idp idp_;
};

TEST_F(EnforcerTest, HotReloadChangesDecisionsWithinTwoSeconds) {
  TempDir dir;
  EnforcerConfig c = idp_.config(write_bundle(dir, kGetOnly));
  auto e = Enforcer::create(c, ioc_.get_executor()).value();
  std::string t = idp_.token_for({});
  EXPECT_TRUE(call(*e, "GET", t).allow);
  EXPECT_EQ(call(*e, "POST", t).status, 403);

  // Requests keep flowing on another thread during the reloads; none may fail.
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::atomic<int> failed{0};
  std::thread load([&] {
    asio::io_context ioc;
    while (!stop) {
      Req r;
      r.bearer(t);
      Decision d = enforce(ioc, *e, r);
      ++served;
      if (!d.allow) ++failed;  // GET is allowed by every version
    }
  });

  auto edited = Clock::now();
  write_bundle(dir, kGetAndPost);
  Decision post;
  while (Clock::now() - edited < std::chrono::seconds(3)) {
    post = call(*e, "POST", t);
    if (post.allow) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto took = Clock::now() - edited;
  EXPECT_TRUE(post.allow) << "the edited policy never took effect";
  EXPECT_LT(took, std::chrono::seconds(2));
  std::cout << "[ reload  ] new policy effective after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
  // The decision object's headers: ours kept, identity headers and bad names dropped.
  EXPECT_EQ(header_of(post, "X-Policy-Version"), "2");
  EXPECT_EQ(header_of(post, "X-Dts-Principal"), "user-1") << "policy cannot forge identity";
  EXPECT_EQ(header_of(post, "Bad Name"), "");
  EXPECT_EQ(post.detail, "get and post");

  // A broken version: the last good one keeps serving, and the error is reported.
  write_bundle(dir, kBroken);
  auto broken_at = Clock::now();
  while (e->policy_status().last_error.empty() &&
         Clock::now() - broken_at < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(e->policy_status().last_error.empty());
  EXPECT_TRUE(call(*e, "POST", t).allow) << "the last good policy keeps serving";

  // And a later fix is picked up again.
  write_bundle(dir, kGetOnly);
  auto fixed_at = Clock::now();
  while (call(*e, "POST", t).allow && Clock::now() - fixed_at < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(call(*e, "POST", t).status, 403);
  EXPECT_TRUE(e->policy_status().last_error.empty());

  stop = true;
  load.join();
  EXPECT_GT(served.load(), 10);
  EXPECT_EQ(failed.load(), 0) << "no request may fail while policies reload";
}

TEST_F(EnforcerTest, DecisionCacheKeysOnEveryInputSource) {
  metrics::Registry registry;
  auto e =
      Enforcer::create(idp_.config(platform_policies()), ioc_.get_executor(), &registry).value();
  auto count = [&](const char* result) {
    std::string needle =
        std::string("\ngateway_policy_decision_cache_total{result=\"") + result + "\"} ";
    auto text = registry.render();
    auto pos = text.find(needle);
    return pos == std::string::npos ? -1 : std::stoi(text.substr(pos + needle.size()));
  };
  std::string viewer = idp_.token_for({"tenant:acme:viewer", "tenant:globex:admin"});
  Req r;
  r.bearer(viewer);
  r.headers.set("X-Tenant-Id", "acme");
  EXPECT_TRUE(enforce(ioc_, *e, r).allow);
  EXPECT_TRUE(enforce(ioc_, *e, r).allow);
  EXPECT_EQ(count("hit"), 1);
  // Each input source changes the key: a cached allow never leaks to another request.
  Req method = r;
  method.method = "POST";
  EXPECT_EQ(enforce(ioc_, *e, method).status, 403) << "viewer cannot create";
  Req path = r;
  path.path = "/api/secrets";
  EXPECT_EQ(enforce(ioc_, *e, path).status, 403);
  Req tenant = r;
  tenant.method = "POST";
  tenant.headers.set("X-Tenant-Id", "globex");
  EXPECT_TRUE(enforce(ioc_, *e, tenant).allow) << "admin in globex";
  Req other_token = method;
  other_token.bearer(idp_.token_for({"tenant:acme:admin"}));
  EXPECT_TRUE(enforce(ioc_, *e, other_token).allow);
  EXPECT_EQ(count("hit"), 1);
  EXPECT_EQ(count("miss"), 5);
}

TEST_F(EnforcerTest, BrokenBundleAtStartIsAnError) {
  TempDir dir;
  auto e = Enforcer::create(idp_.config(write_bundle(dir, kBroken)), ioc_.get_executor());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message().find("could not be activated"), std::string::npos);
  EXPECT_FALSE(Enforcer::create(idp_.config("/nonexistent/policies"), ioc_.get_executor()).ok());
}

TEST_F(EnforcerTest, UndefinedOrMalformedDecisionFailsClosed) {
  TempDir dir;
  // Only a non-boolean allow: the decision is unusable -> 503, never an allow.
  auto e = Enforcer::create(idp_.config(write_bundle(dir, R"(package dts.authz

import rego.v1

allow := "yes"
)")),
                            ioc_.get_executor())
               .value();
  Decision d = call(*e, "GET", idp_.token_for({}));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 503);
  EXPECT_EQ(d.reason, "policy_unavailable");

  TempDir other;
  other.write("other/p.rego", "package other\n\nimport rego.v1\n\nx := 1\n");
  auto e2 = Enforcer::create(idp_.config(other.path().string()), ioc_.get_executor()).value();
  EXPECT_EQ(call(*e2, "GET", idp_.token_for({})).status, 503) << "undefined decision";
}

TEST_F(EnforcerTest, RemotePdpOverOpaRestApi) {
  // The real PDP (`dts policy serve`'s handlers) serving the platform policies.
  policy::pdp::testing::Harness pdp(platform_policies());
  EnforcerConfig c = idp_.config(platform_policies());
  c.policy_url = "http://127.0.0.1:" + std::to_string(pdp.port());
  auto e = Enforcer::create(c, ioc_.get_executor()).value();
  Req r;
  r.bearer(idp_.token_for({"tenant:acme:viewer"}));
  EXPECT_TRUE(enforce(ioc_, *e, r).allow);
  r.method = "POST";
  Decision d = enforce(ioc_, *e, r);
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(d.detail, "no role in tenant acme grants datasets:create");
  Req anon;
  anon.path = "/auth/login";
  EXPECT_TRUE(enforce(ioc_, *e, anon).allow);

  // A PDP that does not answer: fail closed with 503.
  c.policy_url = "http://127.0.0.1:1";
  c.policy_timeout = std::chrono::milliseconds(300);
  auto down = Enforcer::create(c, ioc_.get_executor()).value();
  EXPECT_EQ(enforce(ioc_, *down, r).status, 503);
}

TEST_F(EnforcerTest, PrincipalRateLimit) {
  AuthenticatedOnlyBundle bundle;
  EnforcerConfig c = idp_.config(bundle.path());
  c.principal_limit = RateLimit{1, 3, 1000};
  auto e = Enforcer::create(c, ioc_.get_executor()).value();
  std::string alice = idp_.token_for({"tenant:acme:viewer"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(call(*e, "GET", alice).allow) << i;
  }
  Decision limited = call(*e, "GET", alice);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.reason, "rate_limited_principal");
  EXPECT_GE(limited.retry_after_s, 1);
  http::Response resp = to_response(limited, "rid-12345678");
  EXPECT_EQ(resp.status, 429u);
  EXPECT_EQ(resp.headers.get("Retry-After"), std::to_string(limited.retry_after_s));
  // Another principal has its own bucket, even from the same address.
  json::object bob = idp_.access_claims({"tenant:acme:viewer"});
  bob["sub"] = "user-2";
  EXPECT_TRUE(call(*e, "GET", idp_.token(bob)).allow);
}

TEST_F(EnforcerTest, IpRateLimitComesBeforeTokenChecks) {
  AuthenticatedOnlyBundle bundle;
  EnforcerConfig c = idp_.config(bundle.path());
  c.ip_limit = RateLimit{1, 2, 1000};
  metrics::Registry registry;
  auto e = Enforcer::create(c, ioc_.get_executor(), &registry).value();
  EXPECT_EQ(call(*e, "GET", "garbage", "198.51.100.1").status, 401);
  EXPECT_EQ(call(*e, "GET", "garbage", "198.51.100.1").status, 401);
  Decision d = call(*e, "GET", "garbage", "198.51.100.1");
  EXPECT_EQ(d.status, 429);
  EXPECT_EQ(d.reason, "rate_limited_ip");
  EXPECT_EQ(call(*e, "GET", "", "198.51.100.2").status, 401) << "other addresses unaffected";
  std::string text = registry.render();
  EXPECT_NE(text.find("gateway_pep_rejected_total{reason=\"rate_limited_ip\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gateway_policy_decision_duration_seconds_count"), std::string::npos);
}

TEST_F(EnforcerTest, ConfigFromEnvironment) {
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{}));
    EnforcerConfig c = read_enforcer_config(r);
    EXPECT_TRUE(r.finish().ok()) << r.finish().error().message();
    ASSERT_EQ(c.issuers.size(), 1u);
    EXPECT_EQ(c.issuers[0].jwks_url,
              "http://127.0.0.1:9001/us-east-1_DTSlocal/.well-known/jwks.json");
    EXPECT_TRUE(c.issuers[0].any_client) << "loopback identity: local development default";
    EXPECT_FALSE(c.signer.has_value());
  }
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{
        {"GATEWAY_JWT_ISSUERS", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"},
    }));
    EnforcerConfig c = read_enforcer_config(r);
    ASSERT_FALSE(r.finish().ok());
    EXPECT_EQ(r.finish().error().message().find("GATEWAY_JWKS_URLS"), std::string::npos)
        << "a Cognito pool's https JWKS is fetched directly";
    EXPECT_NE(r.finish().error().message().find("GATEWAY_JWT_CLIENT_IDS is required"),
              std::string::npos);
    ASSERT_EQ(c.issuers.size(), 1u);
    EXPECT_EQ(c.issuers[0].jwks_url,
              "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json");
  }
  {
    // Keys fetched in clear text over a network could be substituted: refused, whether the
    // issuer or an explicit JWKS URL is plain http:// off loopback. Loopback may be http.
    config::Reader r(config::Env(std::map<std::string, std::string>{
        {"GATEWAY_JWT_ISSUERS",
         "http://idp.internal/pool,https://cognito-idp.eu-west-1.amazonaws.com/p,"
         "http://localhost:9001/p"},
        {"GATEWAY_JWKS_URLS",
         "https://idp.internal/jwks,http://jwks-proxy.internal/jwks.json,"
         "http://localhost:9001/p/.well-known/jwks.json"},
        {"GATEWAY_JWT_CLIENT_IDS", "c1"},
        {"GATEWAY_JWKS_CA_FILE", "/nonexistent/ca.pem"},
    }));
    read_enforcer_config(r);
    auto st = r.finish();
    ASSERT_FALSE(st.ok());
    const std::string& m = st.error().message();
    EXPECT_NE(m.find("GATEWAY_JWT_ISSUERS: http://idp.internal/pool must be an https:// URL"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("GATEWAY_JWKS_URLS: http://jwks-proxy.internal/jwks.json must be"),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find("localhost"), std::string::npos) << m;
    EXPECT_NE(m.find("GATEWAY_JWKS_CA_FILE: CA file '/nonexistent/ca.pem' cannot be read"),
              std::string::npos)
        << m;
  }
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{
        {"GATEWAY_JWT_ISSUERS", "http://a,http://b"},
        {"GATEWAY_JWKS_URLS", "http://a/jwks"},
        {"GATEWAY_JWT_CLIENT_IDS", "c1,c2"},
        {"DTS_INTERNAL_KEY", "short"},
        {"GATEWAY_RATE_LIMIT_IP_RPS", "-1"},
    }));
    read_enforcer_config(r);
    auto st = r.finish();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message().find("GATEWAY_JWKS_URLS"), std::string::npos);
    EXPECT_NE(st.error().message().find("DTS_INTERNAL_KEY"), std::string::npos);
    EXPECT_NE(st.error().message().find("GATEWAY_RATE_LIMIT_IP_RPS"), std::string::npos);
  }
  {
    config::Reader r(config::Env(std::map<std::string, std::string>{
        {"GATEWAY_JWT_ISSUERS", "https://a,https://b"},
        {"GATEWAY_JWT_CLIENT_IDS", "c1,c2"},
        {"DTS_INTERNAL_KEY", std::string(32, 'k')},
        {"POLICY_URL", "http://127.0.0.1:8181/"},
    }));
    EnforcerConfig c = read_enforcer_config(r);
    EXPECT_TRUE(r.finish().ok());
    ASSERT_EQ(c.issuers.size(), 2u);
    EXPECT_EQ(c.issuers[1].jwks_url, "https://b/.well-known/jwks.json");
    EXPECT_TRUE(c.jwks_ca_file.empty());
    EXPECT_EQ(c.issuers[1].client_ids, (std::vector<std::string>{"c1", "c2"}));
    EXPECT_FALSE(c.issuers[1].any_client);
    EXPECT_EQ(c.policy_url, "http://127.0.0.1:8181");
    EXPECT_TRUE(c.signer.has_value());
  }
}

}  // namespace
}  // namespace dts::gateway::pep
