#pragma once
// `Key`: one signing or verification key — an OpenSSL EVP_PKEY (RSA, EC P-256/P-384/P-521,
// Ed25519) or an HMAC secret — plus the JWK metadata that travels with it (kid, alg, use).
//
// Keys are immutable values once built (the setters are for assembling a key before it is
// shared); copies share the underlying EVP_PKEY / secret, which OpenSSL allows to be used
// for signing and verifying from many threads at once. Secrets are wiped on release.
//
// Reading keys from JWK lives in jwk.hpp; this file covers PEM, generation and inspection.

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "jwt/algorithm.hpp"

namespace dts::jwt {

// Key shapes the identity service can create.
enum class KeySpec { kRsa2048, kRsa3072, kRsa4096, kEcP256, kEcP384, kEcP521, kEd25519, kHmac256 };

class Key {
 public:
  // An HMAC secret (kty "oct"). Any length is accepted here; callers that mint tokens
  // should use at least the hash size (RFC 7518 §3.2) — `generate(kHmac256)` does.
  static Key from_secret(std::string_view secret);

  // Reads the first PEM block of `pem` (after any "EC PARAMETERS" block): "PUBLIC KEY" (SPKI), "RSA
  // PUBLIC KEY" (PKCS#1), "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY", "EC PRIVATE KEY", or
  // "CERTIFICATE" (its subject public key; the certificate itself is not validated — that is PKI,
  // not JWS). Encrypted PEM is rejected (never prompts). InvalidArgument on anything else.
  static Result<Key> from_pem(std::string_view pem);

  // Adopts `pkey` (ownership transfers, also on failure). Rejects unsupported key types and
  // curves, so every Key has a type this module can use.
  static Result<Key> from_pkey(EVP_PKEY* pkey);

  // Creates a fresh key from the OS CSPRNG.
  static Result<Key> generate(KeySpec spec);

  KeyType type() const { return type_; }
  // JWK "crv": "P-256", "P-384", "P-521", "Ed25519"; empty for RSA and oct.
  std::string_view curve() const { return curve_; }
  // RSA modulus bits, EC field bits, 256 for Ed25519, secret bits for oct.
  int bits() const { return bits_; }
  // True if the key can sign (oct keys always can).
  bool has_private() const { return has_private_; }

  const std::string& kid() const { return kid_; }
  void set_kid(std::string kid) { kid_ = std::move(kid); }
  // JWK "alg": when set, the key may only be used with that algorithm.
  std::optional<Alg> alg() const { return alg_; }
  void set_alg(std::optional<Alg> alg) { alg_ = alg; }
  // JWK "use": "sig", "enc" or empty (unspecified).
  const std::string& use() const { return use_; }
  void set_use(std::string use) { use_ = std::move(use); }

  // The OpenSSL key (nullptr for oct). Valid for the lifetime of this Key or its copies.
  EVP_PKEY* pkey() const { return pkey_.get(); }
  // The HMAC secret (empty for asymmetric keys).
  std::string_view secret() const {
    return secret_ ? std::string_view(*secret_) : std::string_view();
  }

  // The same key without its private part, metadata kept. For oct keys there is no public
  // half: the result is the key itself (verification with HMAC needs the secret).
  Result<Key> public_key() const;

  // SPKI "PUBLIC KEY" PEM; FailedPrecondition for oct keys.
  Result<std::string> to_public_pem() const;
  // PKCS#8 "PRIVATE KEY" PEM (unencrypted: store it in the secrets service, never on disk
  // in the clear); FailedPrecondition without a private part or for oct keys.
  Result<std::string> to_private_pem() const;

  // Same key material (public parts for asymmetric keys, the secret for oct); metadata is
  // ignored. The secret comparison is constant time.
  bool same_material(const Key& other) const;

 private:
  Key() = default;

  KeyType type_ = KeyType::kOct;
  std::string curve_;
  int bits_ = 0;
  bool has_private_ = false;
  std::string kid_;
  std::optional<Alg> alg_;
  std::string use_;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<const std::string> secret_;
};

}  // namespace dts::jwt
