// Identity token work without HTTP or database: what one core can mint, verify and publish.
// Run: build/bench/bench_identity_tokens --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "identity/key_encryption.hpp"
#include "identity/signing_keys.hpp"
#include "identity/tokens.hpp"
#include "jwt/verifier.hpp"

namespace dts::identity {
namespace {

const TimePoint kNow = Clock::now();

const KeyRing& ring() {
  static KeyRing r({SigningKey{generate_signing_key().value(), kNow, kNow, std::nullopt}});
  return r;
}

TokenUser user() {
  TokenUser u;
  u.sub = "7d1c8a0e-5f1c-4b7e-9a51-0c1d2e3f4a5b";
  u.username = "ada";
  u.groups = {"admin", "member"};
  u.email = "ada@example.com";
  u.email_verified = true;
  u.attributes = {{"custom:tenant_id", "t-42"}};
  return u;
}

TokenGrant grant() {
  TokenGrant g;
  g.client_id = "spa";
  g.scopes = {"openid", "email", "profile"};
  g.auth_time = 1'800'000'000;
  g.origin_jti = "0f4e4d6a-0000-4000-8000-000000000001";
  g.bind_at_hash = true;
  return g;
}

// What /oauth2/token signs per authorization_code or refresh_token grant: access + ID token.
void BM_MintAccessAndIdToken(benchmark::State& state) {
  TokenMinter minter({.issuer = "http://127.0.0.1:9001/us-east-1_DTSlocal"});
  TokenUser u = user();
  TokenGrant g = grant();
  for (auto _ : state) {
    auto t = minter.mint_user_tokens(ring(), u, g, true, kNow);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MintAccessAndIdToken)->UseRealTime();

void BM_MintClientToken(benchmark::State& state) {
  TokenMinter minter({.issuer = "http://127.0.0.1:9001/us-east-1_DTSlocal"});
  for (auto _ : state) {
    auto t = minter.mint_client_token(ring(), "svc", {"dts/jobs.read"}, kNow);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MintClientToken)->UseRealTime();

// What a verifier (gateway, userInfo) pays per token with a warm key set.
void BM_VerifyAccessToken(benchmark::State& state) {
  TokenMinter minter({.issuer = "http://127.0.0.1:9001/us-east-1_DTSlocal"});
  std::string token = minter.mint_user_tokens(ring(), user(), grant(), false, kNow)->access_token;
  jwt::VerifierOptions o;
  o.algorithms = {jwt::Alg::kRS256};
  o.issuers = {"http://127.0.0.1:9001/us-east-1_DTSlocal"};
  o.audiences = {"spa"};
  jwt::Verifier v = jwt::Verifier::create(o).value();
  jwt::KeySet keys = ring().published(kNow);
  for (auto _ : state) {
    auto r = v.verify(token, keys, kNow);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyAccessToken)->UseRealTime();

void BM_JwksDocument(benchmark::State& state) {
  for (auto _ : state) {
    std::string doc = ring().jwks_json(kNow);
    benchmark::DoNotOptimize(doc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwksDocument);

void BM_SealOpenPrivateKey(benchmark::State& state) {
  KeyEncryption kek = KeyEncryption::from_bytes(std::string(32, 'k')).value();
  std::string pem = ring().active(kNow)->key.to_private_pem().value();
  for (auto _ : state) {
    auto sealed = kek.seal(pem, "kid");
    auto opened = kek.open(*sealed, "kid");
    benchmark::DoNotOptimize(opened);
  }
}
BENCHMARK(BM_SealOpenPrivateKey);

void BM_GenerateSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    auto k = generate_signing_key();
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_GenerateSigningKey)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
}  // namespace dts::identity

BENCHMARK_MAIN();
