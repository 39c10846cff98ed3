#include "identity/codes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "jwt/base64.hpp"

namespace dts::identity {

std::string generate_code() {
  // Rejection sampling on 32-bit values: no modulo bias.
  constexpr uint32_t kRange = 1000000;
  constexpr uint32_t kLimit = UINT32_MAX - (UINT32_MAX % kRange);
  uint32_t v = 0;
  do {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) std::abort();
  } while (v >= kLimit);
  std::string out(kCodeDigits, '0');
  v %= kRange;
  for (size_t i = kCodeDigits; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len) == nullptr) {
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hash_code(std::string_view key, std::string_view user_id, std::string_view purpose,
                      std::string_view code) {
  std::string input;
  input.reserve(user_id.size() + purpose.size() + code.size() + 2);
  input.append(user_id);
  input.push_back('\0');
  input.append(purpose);
  input.push_back('\0');
  input.append(code);
  return jwt::hex_encode(hmac_sha256(key, input));
}

bool well_formed_code(std::string_view code) {
  if (code.size() != kCodeDigits) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string sha256_hex(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return jwt::hex_encode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

std::string random_token(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    std::abort();
  }
  return jwt::base64url_encode(raw);
}

}  // namespace dts::identity
