// The gateway's policy enforcement point, in-process: what enforce() costs per request with
// the real platform policy (policies/), a real JWKS fetched over loopback HTTP, and real
// RS256/ES256 tokens. The gateway's end-to-end benchmark (wrk through the proxy) includes
// this; here it is isolated so a regression in authn or policy shows up on its own.
//
//   ninja -C build bench_pep && ./build/bench/bench_pep
//
// Cases: everything cached (a client repeating a request); the token cached but the policy
// evaluated every time (decision cache off) on an exact route, a parameterised route, an
// anonymous public route and an unknown route (full route-table search); and a signature
// verification plus evaluation per request (both caches off) for RS256 and ES256.
// After the benchmarks, `LATENCY <case> p50_ns=... p99_ns=...` lines give the tail.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/http/testing/test_server.hpp"
#include "common/log.hpp"
#include "gateway/pep/enforcer.hpp"
#include "jwt/jws.hpp"
#include "jwt/key_set.hpp"

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dts;
using namespace dts::gateway::pep;

struct Fixture {
  http::testing::TestServer idp;
  jwt::Key rsa = jwt::Key::generate(jwt::KeySpec::kRsa2048).value();
  jwt::Key ec = jwt::Key::generate(jwt::KeySpec::kEcP256).value();
  json::object jwks;
  std::string issuer;
  asio::io_context ioc;
  std::unique_ptr<Enforcer> cached;    // token and decision caches on (the defaults)
  std::unique_ptr<Enforcer> evaluate;  // token cache on, decision cache off: Rego every time
  std::unique_ptr<Enforcer> uncached;  // both off: signature check and Rego every time

  Fixture() {
    rsa.set_kid("rsa-1");
    ec.set_kid("ec-1");
    jwt::KeySet set;
    set.add(rsa.public_key().value());
    set.add(ec.public_key().value());
    jwks = set.to_public_jwks();
    idp.router().add("GET", "/jwks.json",
                     [this](http::Request&) -> asio::awaitable<Result<http::Response>> {
                       co_return http::Response::json(jwks);
                     });
    idp.start();
    issuer = idp.url("/pool");
    EnforcerConfig c;
    c.issuers = {IssuerConfig{issuer, idp.url("/jwks.json"), {"spa"}, false}};
    c.policy_bundle = std::string(DTS_SOURCE_DIR) + "/policies";
    c.ip_limit.rate_per_s = 0;
    c.principal_limit.rate_per_s = 0;
    c.signer = internal_auth::InternalSigner::create(std::string(32, 'k')).value();
    cached = Enforcer::create(c, ioc.get_executor()).value();
    c.decision_cache_ttl = std::chrono::milliseconds(0);
    evaluate = Enforcer::create(c, ioc.get_executor()).value();
    c.token_cache_entries = 0;
    uncached = Enforcer::create(c, ioc.get_executor()).value();
  }

  std::string token(jwt::Alg alg) const {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    json::object claims{
        {"iss", issuer},       {"sub", "user-1"},
        {"client_id", "spa"},  {"token_use", "access"},
        {"username", "alice"}, {"iat", now},
        {"exp", now + 3600},   {"cognito:groups", json::array{"tenant:acme:member"}}};
    return jwt::sign_jwt(alg, alg == jwt::Alg::kES256 ? ec : rsa, claims).value();
  }
};

Fixture& fixture() {
  static Fixture* f = new Fixture();  // lives until exit (its threads outlive main's return)
  return *f;
}

enum class Mode { kCached, kEvaluate, kVerify };

struct Case {
  const char* name;
  std::string method;
  std::string path;
  std::string token;  // empty = anonymous
  Mode mode;
  bool expect_allow = true;
};

// Runs `iterations` enforce() calls inside one coroutine; returns per-call nanoseconds.
std::vector<int64_t> drive(const Case& c, int iterations, benchmark::State* state) {
  Fixture& f = fixture();
  const Enforcer& e = c.mode == Mode::kVerify     ? *f.uncached
                      : c.mode == Mode::kEvaluate ? *f.evaluate
                                                  : *f.cached;
  http::Headers headers;
  if (!c.token.empty()) headers.set("Authorization", "Bearer " + c.token);
  RequestView view{c.method, c.path, "192.0.2.1", "0123456789abcdef0123456789abcdef",
                   RequestView::lookup(headers)};
  std::vector<int64_t> ns;
  ns.reserve(iterations > 0 ? iterations : 0);
  bool failed = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        if (state != nullptr) {
          for (auto _ : *state) {
            Decision d = co_await e.enforce(view);
            failed = failed || d.allow != c.expect_allow;
          }
        } else {
          for (int i = 0; i < iterations; ++i) {
            auto start = std::chrono::steady_clock::now();
            Decision d = co_await e.enforce(view);
            auto stop = std::chrono::steady_clock::now();
            failed = failed || d.allow != c.expect_allow;
            ns.push_back(
                std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
          }
        }
      },
      asio::detached);
  f.ioc.restart();
  f.ioc.run();
  if (failed) {
    std::fprintf(stderr, "%s: unexpected decision; the benchmark is invalid\n", c.name);
    std::exit(1);
  }
  return ns;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"cached_exact_route", "GET", "/api/core/datasets", fixture().token(jwt::Alg::kRS256),
       Mode::kCached},
      {"eval_exact_route", "GET", "/api/core/datasets", fixture().token(jwt::Alg::kRS256),
       Mode::kEvaluate},
      {"eval_param_route", "GET", "/api/core/jobs/j-1/result", fixture().token(jwt::Alg::kRS256),
       Mode::kEvaluate},
      {"eval_anonymous_public", "POST", "/auth/oauth2/token", "", Mode::kEvaluate},
      {"eval_no_route", "GET", "/api/nothing/here", fixture().token(jwt::Alg::kRS256),
       Mode::kEvaluate, false},
      {"verify_rs256", "GET", "/api/core/datasets", fixture().token(jwt::Alg::kRS256),
       Mode::kVerify},
      {"verify_es256", "GET", "/api/core/datasets", fixture().token(jwt::Alg::kES256),
       Mode::kVerify},
  };
  return all;
}

void BM_Enforce(benchmark::State& state) {
  const Case& c = cases()[static_cast<size_t>(state.range(0))];
  state.SetLabel(c.name);
  drive(c, 0, &state);
}
BENCHMARK(BM_Enforce)->DenseRange(0, 6);

}  // namespace

int main(int argc, char** argv) {
  dts::log::configure("bench", dts::log::Level::kError);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  for (const auto& c : cases()) drive(c, 10, nullptr);  // warm: JWKS fetched, tokens cached
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fflush(stdout);
  for (const auto& c : cases()) {
    int n = c.mode == Mode::kVerify ? 2'000 : 20'000;
    auto ns = drive(c, n, nullptr);
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
      return static_cast<long long>(ns[static_cast<size_t>(q * (ns.size() - 1))]);
    };
    std::printf("LATENCY %s samples=%d p50_ns=%lld p99_ns=%lld max_ns=%lld\n", c.name, n, at(0.5),
                at(0.99), static_cast<long long>(ns.back()));
  }
  std::fflush(stdout);
  std::_Exit(0);  // the fixture's server threads are not joined (intentionally leaked)
}
