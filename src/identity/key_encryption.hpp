#pragma once
// Encryption at rest for the identity service's private signing keys: AES-256-GCM with a
// key-encryption key (KEK) from the environment (IDENTITY_KEY_ENCRYPTION_KEY, base64 of 32
// random bytes; `dts up` generates one per installation).
//
// Sealed form (text, fits a TEXT column and a log-free backup):
//   "v1." + base64url(nonce[12] || ciphertext || tag[16])
// The nonce is random per seal (2^-32 collision bound is far beyond the number of keys ever
// sealed). `aad` binds the ciphertext to its row (the kid), so a sealed key copied onto
// another row does not open. Tampering, a wrong KEK or a wrong aad all fail the same way
// (kUnauthenticated) without saying which: GCM cannot tell them apart, and neither should
// an attacker.
//
// `kek_id()` is a short public fingerprint of the KEK (first 8 bytes of SHA-256 over a
// domain-separated input, hex) stored beside each sealed key, so an operator who starts
// the service with the wrong KEK gets "sealed with KEK 1a2b..., configured 9f8e..." instead
// of a bare decryption failure.
//
// Thread-safety: immutable after construction; seal/open may run on any thread.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity {

class KeyEncryption {
 public:
  static constexpr size_t kKeyBytes = 32;

  // From the environment value: standard base64 (with padding) or base64url (without) of
  // exactly 32 bytes. InvalidArgument naming what is wrong, never echoing the value.
  static Result<KeyEncryption> from_base64(std::string_view text);
  // From raw key bytes (tests, generated keys). InvalidArgument unless 32 bytes.
  static Result<KeyEncryption> from_bytes(std::string_view key);
  // A fresh random KEK as standard base64 (what `dts up` puts in the environment).
  static std::string generate_base64();
  // The KEK stored in `path` (base64, one line), created with a fresh random key (directory
  // 0700, file 0600, O_EXCL so concurrent first starts agree on one key) when missing. For
  // `dts up` on one machine; production injects IDENTITY_KEY_ENCRYPTION_KEY instead.
  static Result<KeyEncryption> load_or_create_file(const std::string& path);

  KeyEncryption(const KeyEncryption&) = default;
  KeyEncryption& operator=(const KeyEncryption&) = default;
  ~KeyEncryption();

  Result<std::string> seal(std::string_view plaintext, std::string_view aad) const;
  Result<std::string> open(std::string_view sealed, std::string_view aad) const;

  const std::string& kek_id() const { return kek_id_; }

  // HMAC-SHA256 keyed by a subkey derived from the KEK for `purpose` (e.g. "csrf"), so one
  // configured secret serves several uses without the uses sharing a key.
  std::string derive_mac(std::string_view purpose, std::string_view data) const;

 private:
  KeyEncryption() = default;
  std::string key_;
  std::string kek_id_;
};

}  // namespace dts::identity
