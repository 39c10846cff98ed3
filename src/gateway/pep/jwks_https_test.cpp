// The enforcer against an issuer whose JWKS is served over HTTPS, as a Cognito user pool's
// is: configured from the environment (GATEWAY_JWT_ISSUERS=https://..., the default
// <issuer>/.well-known/jwks.json, GATEWAY_JWKS_CA_FILE for the test's private CA), with a
// real TLS server and a throwaway CA generated at test time.

#include <gtest/gtest.h>

#include "common/http/testing/test_pki.hpp"
#include "common/http/testing/tls_test_server.hpp"
#include "gateway/pep/enforcer.hpp"
#include "gateway/pep/test_support.hpp"

namespace dts::gateway::pep {
namespace {

using namespace testing;
using http::testing::TestCa;
using http::testing::TlsTestServer;

// A Cognito-shaped issuer over TLS: https://localhost:<port>/<pool id>.
class HttpsIdp {
 public:
  HttpsIdp()
      : server_(ca_.issue(), [this](const http::Request& req) {
          if (req.method == "GET" && req.target == "/us-east-1_TLS/.well-known/jwks.json") {
            ++fetches_;
            jwt::KeySet keys;
            keys.add(rsa_key().public_key().value());
            return http::Response::json(keys.to_public_jwks());
          }
          return http::Response::text("not found", 404);
        }) {
    issuer_ = server_.url("/us-east-1_TLS", "localhost");
  }

  TestCa& ca() { return ca_; }
  TlsTestServer& server() { return server_; }
  const std::string& issuer() const { return issuer_; }
  int fetches() const { return fetches_.load(); }

  std::string token() const {
    int64_t now = unix_now();
    json::object claims{{"iss", issuer_},
                        {"sub", "user-tls"},
                        {"client_id", kClientId},
                        {"token_use", "access"},
                        {"iat", now},
                        {"exp", now + 600},
                        {"username", "tls"},
                        {"cognito:groups", json::array{}}};
    return jwt::sign_jwt(jwt::Alg::kRS256, rsa_key(), claims, {}).value();
  }

  EnforcerConfig config(const std::string& bundle, bool with_ca) {
    std::map<std::string, std::string> env{{"GATEWAY_JWT_ISSUERS", issuer_},
                                           {"GATEWAY_JWT_CLIENT_IDS", kClientId},
                                           {"GATEWAY_RATE_LIMIT_IP_RPS", "0"},
                                           {"GATEWAY_RATE_LIMIT_PRINCIPAL_RPS", "0"},
                                           {"POLICY_BUNDLE", bundle}};
    if (with_ca) env["GATEWAY_JWKS_CA_FILE"] = ca_.cert_file();
    config::Reader r{config::Env(env)};
    EnforcerConfig c = read_enforcer_config(r);
    auto st = r.finish();
    EXPECT_TRUE(st.ok()) << st.error().message();
    return c;
  }

 private:
  TestCa ca_;
  std::atomic<int> fetches_{0};
  TlsTestServer server_;
  std::string issuer_;
};

TEST(JwksOverHttps, EnforcerVerifiesTokensWithKeysFetchedOverTls) {
  asio::io_context ioc;
  HttpsIdp idp;
  AuthenticatedOnlyBundle bundle;
  EnforcerConfig c = idp.config(bundle.path(), true);
  ASSERT_EQ(c.issuers.size(), 1u);
  EXPECT_EQ(c.issuers[0].jwks_url, idp.issuer() + "/.well-known/jwks.json");
  EXPECT_EQ(c.jwks_ca_file, idp.ca().cert_file());
  auto e = Enforcer::create(c, ioc.get_executor()).value();

  Req req;
  req.bearer(idp.token());
  Decision d = enforce(ioc, *e, req);
  EXPECT_TRUE(d.allow) << d.status << " " << d.detail;
  EXPECT_EQ(header_of(d, "X-Dts-Principal"), "user-tls");
  EXPECT_EQ(idp.fetches(), 1);

  // A token signed by a key outside the JWKS is refused (the keys really came over TLS).
  int64_t now = unix_now();
  json::object forged{{"iss", idp.issuer()},   {"sub", "x"}, {"client_id", kClientId},
                      {"token_use", "access"}, {"iat", now}, {"exp", now + 600}};
  auto bad = jwt::sign_jwt(jwt::Alg::kRS256, attacker_key(), forged, {}).value();
  Req forged_req;
  forged_req.bearer(bad);
  EXPECT_EQ(enforce(ioc, *e, forged_req).status, 401);
}

TEST(JwksOverHttps, UntrustedCertificateMeansNoKeysAndEveryTokenRefused) {
  asio::io_context ioc;
  HttpsIdp idp;
  AuthenticatedOnlyBundle bundle;
  // No GATEWAY_JWKS_CA_FILE: the test CA is not in the system store, so the JWKS fetch must
  // fail verification; the gateway must not accept tokens without keys.
  EnforcerConfig c = idp.config(bundle.path(), false);
  auto e = Enforcer::create(c, ioc.get_executor()).value();
  Req req;
  req.bearer(idp.token());
  Decision d = enforce(ioc, *e, req);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(idp.fetches(), 0);
  EXPECT_EQ(idp.server().requests(), 0) << "nothing is sent over an unverified connection";
  EXPECT_GE(idp.server().connections(), 1);
}

}  // namespace
}  // namespace dts::gateway::pep
