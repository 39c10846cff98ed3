#pragma once
// JWS algorithms (RFC 7518 §3, RFC 8037 §3.1) and what kind of key each one needs.
//
// `none` is deliberately not representable: an unsecured JWS can never be produced or
// accepted by this module (RFC 8725 §3.1, §3.2).
//
// All functions are pure and thread-safe.

#include <optional>
#include <string_view>

namespace dts::jwt {

enum class Alg {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};

// Every supported algorithm, in declaration order (round-trip tests iterate over it).
inline constexpr Alg kAllAlgs[] = {Alg::kHS256, Alg::kHS384, Alg::kHS512, Alg::kRS256, Alg::kRS384,
                                   Alg::kRS512, Alg::kPS256, Alg::kPS384, Alg::kPS512, Alg::kES256,
                                   Alg::kES384, Alg::kES512, Alg::kEdDSA};

// The key family an algorithm needs; also the JWK "kty" of such a key.
enum class KeyType { kRsa, kEc, kOkp, kOct };

// "HS256" -> kHS256. Case-sensitive (JOSE names are); nullopt for "none" and anything else.
std::optional<Alg> parse_alg(std::string_view name);
std::string_view alg_name(Alg alg);

KeyType alg_key_type(Alg alg);

// The EC curve (JWK "crv") an ES* algorithm requires: ES256 -> "P-256", ES384 -> "P-384",
// ES512 -> "P-521"; "Ed25519" for EdDSA; empty for the others.
std::string_view alg_curve(Alg alg);

// OpenSSL digest name ("SHA256"...) for the algorithm; empty for EdDSA (which hashes
// internally).
std::string_view alg_digest(Alg alg);

bool is_hmac(Alg alg);
bool is_pss(Alg alg);

// "RSA", "EC", "OKP", "oct".
std::string_view key_type_name(KeyType type);

}  // namespace dts::jwt
