#include "common/digest.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>

namespace dts::digest {
namespace {

[[noreturn]] void openssl_broken(const char* what) {
  // SHA-256 and HMAC cannot fail on valid arguments: OpenSSL itself is unusable.
  std::fprintf(stderr, "dts::digest: %s failed\n", what);
  std::abort();
}

const EVP_MD* sha256_md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) openssl_broken("EVP_MD_fetch(SHA256)");
    return m;
  }();
  return md;
}

EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) openssl_broken("EVP_MAC_fetch(HMAC)");
    return m;
  }();
  return mac;
}

}  // namespace

Sha256 sha256(std::string_view data) {
  Sha256 out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr) != 1 ||
      len != out.size()) {
    openssl_broken("EVP_Digest(SHA256)");
  }
  return out;
}

struct HmacSha256::Keyed {
  EVP_MAC_CTX* ctx = nullptr;  // initialised with the key; only ever duplicated
  ~Keyed() { EVP_MAC_CTX_free(ctx); }
};

HmacSha256::HmacSha256(std::string_view key) {
  auto keyed = std::make_shared<Keyed>();
  keyed->ctx = EVP_MAC_CTX_new(hmac_mac());
  if (keyed->ctx == nullptr) openssl_broken("EVP_MAC_CTX_new");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(keyed->ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1) {
    openssl_broken("EVP_MAC_init(HMAC-SHA256)");
  }
  keyed_ = std::move(keyed);
}

Sha256 HmacSha256::compute(std::string_view data) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_->ctx);
  if (ctx == nullptr) openssl_broken("EVP_MAC_CTX_dup");
  Sha256 out;
  size_t len = 0;
  const bool ok =
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
      EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) openssl_broken("HMAC-SHA256");
  return out;
}

}  // namespace dts::digest
