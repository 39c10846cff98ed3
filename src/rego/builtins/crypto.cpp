// crypto.* digests and HMACs on OpenSSL 3 EVP; results are lower-case hex like OPA.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kBool;
using types::kString;
using Args = std::span<const Value>;

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0xf]);
  }
  return out;
}

Result<Value> digest(std::string_view fn, const EVP_MD* md, Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, 1));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), out, &len, md, nullptr) != 1) {
    return builtin_error(std::string(fn) + ": digest failed");
  }
  return str(to_hex(out, len));
}

Result<Value> hmac(std::string_view fn, const EVP_MD* md, Args a) {
  DTS_ASSIGN_OR_RETURN(std::string_view msg, arg_string(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::string_view key, arg_string(fn, a, 2));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(md, key_ptr, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len) == nullptr) {
    return builtin_error(std::string(fn) + ": hmac failed");
  }
  return str(to_hex(out, len));
}

void add_digest(Registry& r, const char* name, const EVP_MD* (*md)()) {
  r.add(name, {kString}, kString,
        [name, md](Args a, BuiltinContext&) { return digest(name, md(), a); });
}

void add_hmac(Registry& r, const char* name, const EVP_MD* (*md)()) {
  r.add(name, {kString, kString}, kString,
        [name, md](Args a, BuiltinContext&) { return hmac(name, md(), a); });
}

}  // namespace

void register_crypto(Registry& r) {
  add_digest(r, "crypto.md5", EVP_md5);
  add_digest(r, "crypto.sha1", EVP_sha1);
  add_digest(r, "crypto.sha256", EVP_sha256);
  add_hmac(r, "crypto.hmac.md5", EVP_md5);
  add_hmac(r, "crypto.hmac.sha1", EVP_sha1);
  add_hmac(r, "crypto.hmac.sha256", EVP_sha256);
  add_hmac(r, "crypto.hmac.sha512", EVP_sha512);
  r.add("crypto.hmac.equal", {kString, kString}, kBool,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(std::string_view x, arg_string("crypto.hmac.equal", a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view y, arg_string("crypto.hmac.equal", a, 2));
          // Constant time in the content; only the lengths leak, as with Go's hmac.Equal.
          return Value::boolean(x.size() == y.size() &&
                                CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0);
        });
}

}  // namespace dts::rego
