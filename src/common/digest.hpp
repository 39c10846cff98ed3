#pragma once
// SHA-256 and HMAC-SHA256 for hot paths (a digest or MAC per request).
//
// Why not EVP_Digest(..., EVP_sha256()) or HMAC(EVP_sha256(), ...): with OpenSSL 3 those look
// the algorithm up in the provider registry on every call (a locked fetch) and, for HMAC,
// expand the key every time. Here SHA-256 is fetched once per process, and an HmacSha256
// expands its key once; each compute() copies that keyed state.
//
// Thread-safety: sha256() may be called from any thread; an HmacSha256 is immutable after
// construction and compute() may run concurrently.

#include <array>
#include <memory>
#include <string_view>

namespace dts::digest {

using Sha256 = std::array<unsigned char, 32>;

Sha256 sha256(std::string_view data);

class HmacSha256 {
 public:
  // Any key length works (HMAC hashes long keys); callers enforce their own minimum.
  explicit HmacSha256(std::string_view key);
  Sha256 compute(std::string_view data) const;

 private:
  struct Keyed;
  std::shared_ptr<const Keyed> keyed_;  // shared: copies of a signer share one keyed state
};

}  // namespace dts::digest
