// The usage examples from src/jwt/README.md, compiled and run so they stay true.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/jwk.hpp"
#include "jwt/jws.hpp"
#include "jwt/key_cache.hpp"
#include "jwt/rego_support.hpp"
#include "jwt/thumbprint.hpp"
#include "jwt/verifier.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;

// Identity service: create a signing key, mint a token, publish the JWKS.
struct Identity {
  Key key;
  std::string jwks_body;

  static Result<Identity> start() {
    DTS_ASSIGN_OR_RETURN(Key key, Key::generate(KeySpec::kEcP256));
    DTS_ASSIGN_OR_RETURN(std::string kid, jwk_thumbprint(key));
    key.set_kid(kid);
    key.set_alg(Alg::kES256);
    key.set_use("sig");
    // Persist key.to_private_pem() in the secrets service; reload with Key::from_pem.
    KeySet published;
    DTS_ASSIGN_OR_RETURN(Key pub, key.public_key());
    published.add(std::move(pub));
    return Identity{key, json::serialize(published.to_public_jwks())};  // GET /jwks.json
  }

  Result<std::string> mint(std::string_view sub, int64_t now) const {
    json::object claims{{"iss", "https://id.dts.local"}, {"sub", sub}, {"client_id", "web"},
                        {"token_use", "access"},         {"iat", now}, {"exp", now + 3600}};
    return sign_jwt(Alg::kES256, key, claims);
  }
};

TEST(Usage, IdentitySigningAndGatewayVerification) {
  Identity identity = Identity::start().value();
  int64_t now = 1'800'000'000;
  std::string token = identity.mint("user-42", now).value();

  // Gateway: one Verifier for the process, one KeyCache fed by its own JWKS fetcher.
  VerifierOptions options;
  options.issuers = {"https://id.dts.local"};
  options.audiences = {"web"};
  options.token_uses = {"access"};
  Verifier verifier = Verifier::create(options).value();
  KeyCache cache;
  auto steady = std::chrono::steady_clock::now();
  if (cache.begin_refresh("https://id.dts.local", RefreshReason::kUnknownKid, steady)) {
    // ... HTTP GET the issuer's jwks_uri (here: the identity's body) ...
    auto parsed = parse_jwks_json(identity.jwks_body).value();  // log parsed.skipped
    cache.put("https://id.dts.local", std::move(parsed.keys), steady);
  }

  Check failed = Check::kNone;
  auto verified = verifier.verify(token, cache, SystemTime(std::chrono::seconds(now)), &failed);
  ASSERT_TRUE(verified.ok()) << verified.error().message();
  EXPECT_EQ(verified->claim_string("sub"), "user-42");

  // On Check::kKey (e.g. a key rotation) the gateway asks the cache whether to refetch.
  auto bad = verifier.verify("x.y.z", cache, SystemTime(std::chrono::seconds(now)), &failed);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(failed, Check::kFormat);  // -> 401, log bad.error().message()
}

TEST(Usage, RegoBuiltins) {
  // io.jwt.encode_sign({"alg":"HS256"}, {"sub":"x"}, {"kty":"oct","k":"..."})
  json::object jwk =
      json::parse(R"({"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"})").as_object();
  std::string token = rego_encode_sign({{"alg", "HS256"}}, {{"sub", "x"}}, jwk).value();
  // io.jwt.verify_hs256(token, "secret-secret-secret-secret")
  EXPECT_TRUE(rego_verify(Alg::kHS256, token, "secret-secret-secret-secret").value());
  // io.jwt.decode(token)
  RegoDecoded decoded = rego_decode(token).value();
  EXPECT_EQ(decoded.payload.at("sub").as_string(), "x");
  // io.jwt.decode_verify(token, {"secret": "...", "alg": "HS256"})
  auto dv = rego_decode_verify(token, {{"secret", "secret-secret-secret-secret"}, {"alg", "HS256"}},
                               /*now_ns=*/0)
                .value();
  EXPECT_TRUE(dv.valid);
}

}  // namespace
}  // namespace dts::jwt
