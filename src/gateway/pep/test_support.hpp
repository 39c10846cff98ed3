#pragma once
// Test-only fixtures for the enforcement point (included by *_test.cpp only):
//   - an identity stand-in: a real HTTP server on 127.0.0.1:<port 0> serving a JWKS made of
//     real keys, counting fetches, whose keys can be swapped (rotation);
//   - token minting with src/jwt;
//   - running coroutines to completion on a private io_context.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "common/http/testing/test_server.hpp"
#include "gateway/pep/enforcer.hpp"
#include "jwt/jws.hpp"
#include "jwt/key.hpp"
#include "jwt/key_set.hpp"
#include "policy/pdp/test_harness.hpp"

namespace dts::gateway::pep::testing {

namespace asio = boost::asio;
namespace json = boost::json;

inline constexpr const char* kClientId = "spa-client";
inline const std::string kInternalKey(48, 'i');

// Keys are generated once per test binary (RSA generation is the slow part).
inline const jwt::Key& rsa_key() {
  static const jwt::Key k = [] {
    auto key = jwt::Key::generate(jwt::KeySpec::kRsa2048).value();
    key.set_kid("rsa-1");
    key.set_alg(jwt::Alg::kRS256);
    key.set_use("sig");
    return key;
  }();
  return k;
}
inline const jwt::Key& ec_key() {
  static const jwt::Key k = [] {
    auto key = jwt::Key::generate(jwt::KeySpec::kEcP256).value();
    key.set_kid("ec-1");
    key.set_alg(jwt::Alg::kES256);
    key.set_use("sig");
    return key;
  }();
  return k;
}
// A key the platform does not trust (an attacker's).
inline const jwt::Key& attacker_key() {
  static const jwt::Key k = [] {
    auto key = jwt::Key::generate(jwt::KeySpec::kRsa2048).value();
    key.set_kid("attacker-1");
    key.set_alg(jwt::Alg::kRS256);
    return key;
  }();
  return k;
}

inline int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The identity stand-in: GET /jwks.json serves the current public keys.
class Idp {
 public:
  Idp() {
    keys_.add(rsa_key().public_key().value());
    keys_.add(ec_key().public_key().value());
    server_.router().add("GET", "/jwks.json",
                         [this](http::Request&) -> asio::awaitable<Result<http::Response>> {
                           ++fetches_;
                           std::lock_guard lock(mu_);
                           co_return http::Response::json(keys_.to_public_jwks());
                         });
    server_.start();
    issuer_ = server_.url("/pool");
  }

  const std::string& issuer() const { return issuer_; }
  std::string jwks_url() const { return server_.url("/jwks.json"); }
  int fetches() const { return fetches_.load(); }
  void add_key(const jwt::Key& key) {
    std::lock_guard lock(mu_);
    keys_.add(key.public_key().value());
  }

  // Access-token claims as our identity / Cognito issue them.
  json::object access_claims(const std::vector<std::string>& groups = {}) const {
    int64_t now = unix_now();
    json::array g;
    for (const auto& s : groups) g.emplace_back(s);
    return json::object{{"iss", issuer_},
                        {"sub", "user-1"},
                        {"client_id", kClientId},
                        {"token_use", "access"},
                        {"scope", "openid profile"},
                        {"username", "alice"},
                        {"iat", now},
                        {"exp", now + 600},
                        {"jti", "j-1"},
                        {"cognito:groups", g}};
  }

  std::string token(const json::object& claims, jwt::Alg alg = jwt::Alg::kRS256,
                    const json::object& extra_header = {}) const {
    const jwt::Key& key = alg == jwt::Alg::kES256 ? ec_key() : rsa_key();
    return jwt::sign_jwt(alg, key, claims, extra_header).value();
  }
  std::string token_for(const std::vector<std::string>& groups) const {
    return token(access_claims(groups));
  }

  EnforcerConfig config(const std::string& bundle) const {
    EnforcerConfig c;
    IssuerConfig ic;
    ic.issuer = issuer_;
    ic.jwks_url = jwks_url();
    ic.client_ids = {kClientId};
    c.issuers = {ic};
    c.jwks_policy.min_refresh_interval = std::chrono::seconds(30);
    c.policy_bundle = bundle;
    c.policy_poll = std::chrono::milliseconds(100);
    c.ip_limit.rate_per_s = 0;
    c.principal_limit.rate_per_s = 0;
    c.signer = internal_auth::InternalSigner::create(kInternalKey).value();
    return c;
  }

 private:
  http::testing::TestServer server_;
  std::string issuer_;
  std::mutex mu_;
  jwt::KeySet keys_;
  std::atomic<int> fetches_{0};
};

inline std::string platform_policies() { return std::string(DTS_SOURCE_DIR) + "/policies"; }

// A one-rule bundle (any authenticated caller may do anything) for tests about tokens: it
// loads in a fraction of the platform bundle's time, whose own Rego tests run at activation.
class AuthenticatedOnlyBundle {
 public:
  AuthenticatedOnlyBundle() {
    dir_.write("dts/authz.rego",
               "package dts.authz\n\nimport rego.v1\n\ndefault allow := false\n\n"
               "allow if input.authenticated\n");
  }
  std::string path() const { return dir_.path().string(); }

 private:
  policy::pdp::testing::TempDir dir_;
};

// A request to enforce; owns its strings so views stay valid.
struct Req {
  std::string method = "GET";
  std::string path = "/api/core/datasets";
  std::string ip = "192.0.2.1";
  std::string request_id = "0123456789abcdef0123456789abcdef";
  std::string signed_path;  // the path the service receives, when a rule rewrites it
  http::Headers headers;

  Req& bearer(const std::string& token) {
    headers.set("Authorization", "Bearer " + token);
    return *this;
  }
  RequestView view() const {
    return RequestView{method, path, ip, request_id, RequestView::lookup(headers), signed_path};
  }
};

// Runs one awaitable to completion on `ioc` and returns its value.
template <typename T>
T run(asio::io_context& ioc, asio::awaitable<T> aw) {
  std::optional<T> out;
  asio::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e, T v) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(v));
  });
  ioc.restart();
  ioc.run();
  if (!out) std::abort();
  return std::move(*out);
}

inline Decision enforce(asio::io_context& ioc, const Enforcer& e, const Req& r) {
  RequestView v = r.view();
  return run(ioc, e.enforce(v));
}

inline std::string header_of(const Decision& d, std::string_view name) {
  for (const auto& [k, v] : d.upstream_headers) {
    if (http::iequals(k, name)) return v;
  }
  return {};
}

}  // namespace dts::gateway::pep::testing
