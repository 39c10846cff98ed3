// libFuzzer target (built only with -DDTS_FUZZ=ON and clang): every entry point that reads
// untrusted bytes — compact tokens, JWK/JWKS documents, PEM, Rego key material — must return
// an error rather than crash, leak or hang.
//
//   cmake -S . -B build-fuzz -G Ninja -DDTS_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
//   ninja -C build-fuzz dts_jwt_fuzz && ./build-fuzz/src/jwt/dts_jwt_fuzz -max_total_time=60

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jwt/jwk.hpp"
#include "jwt/jws.hpp"
#include "jwt/key_set.hpp"
#include "jwt/rego_support.hpp"
#include "jwt/verifier.hpp"

namespace {

const dts::jwt::Key& fuzz_key() {
  static const dts::jwt::Key key = dts::jwt::Key::generate(dts::jwt::KeySpec::kEcP256).value();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dts::jwt;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const Verifier verifier = [] {
    VerifierOptions options;
    options.algorithms = {Alg::kES256, Alg::kHS256};
    options.allow_any_issuer = true;
    options.allow_any_audience = true;
    return Verifier::create(options).value();
  }();
  static const KeySet keys({fuzz_key().public_key().value(), Key::from_secret("secret")});
  (void)verifier.verify(input, keys, std::chrono::system_clock::now());
  (void)decode_compact(input);
  (void)key_from_jwk_json(input);
  (void)parse_jwks_json(input);
  (void)Key::from_pem(input);
  (void)rego_decode(input);
  (void)rego_verify(Alg::kHS256, input, "secret");
  return 0;
}
