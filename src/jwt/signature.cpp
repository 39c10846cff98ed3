#include "jwt/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "jwt/detail/openssl.hpp"

namespace dts::jwt {
namespace {

using detail::EcdsaSigPtr;
using detail::MdCtxPtr;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Width in bytes of R and S for the algorithm's curve.
size_t ecdsa_half(Alg alg) {
  switch (alg) {
    case Alg::kES256:
      return 32;
    case Alg::kES384:
      return 48;
    default:
      return 66;
  }
}

Result<std::string> hmac(Alg alg, const Key& key, std::string_view input) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(alg_digest(alg)).c_str());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string_view secret = key.secret();
  if (md == nullptr || HMAC(md, secret.data(), static_cast<int>(secret.size()), bytes(input),
                            input.size(), out, &len) == nullptr) {
    return detail::openssl_error(Code::kInternal, "jws: HMAC failed");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

// Prepares `ctx` for signing or verifying with the algorithm's digest and padding.
Status init_ctx(Alg alg, const Key& key, EVP_MD_CTX* ctx, bool sign) {
  std::string digest(alg_digest(alg));
  const EVP_MD* md = digest.empty() ? nullptr : EVP_get_digestbyname(digest.c_str());
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, key.pkey())
                : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, key.pkey());
  if (rc != 1) {
    return detail::openssl_error(Code::kInternal, "jws: cannot initialise signature");
  }
  if (alg_key_type(alg) == KeyType::kRsa) {
    int padding = is_pss(alg) ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, padding) != 1 ||
        (is_pss(alg) && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
      return detail::openssl_error(Code::kInternal, "jws: cannot set RSA padding");
    }
  }
  return ok_status();
}

Result<std::string> der_to_raw(std::string_view der, size_t half) {
  const unsigned char* p = bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) {
    return detail::openssl_error(Code::kInternal, "jws: bad ECDSA signature from OpenSSL");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return detail::bn_to_bytes(r, static_cast<int>(half)) +
         detail::bn_to_bytes(s, static_cast<int>(half));
}

Result<std::string> raw_to_der(std::string_view raw, size_t half) {
  EcdsaSigPtr sig(ECDSA_SIG_new());
  detail::BnPtr r = detail::bytes_to_bn(raw.substr(0, half));
  detail::BnPtr s = detail::bytes_to_bn(raw.substr(half));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return detail::openssl_error(Code::kInternal, "jws: cannot build ECDSA signature");
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) {
    return detail::openssl_error(Code::kInternal, "jws: cannot encode ECDSA signature");
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Status check_key_for_alg(Alg alg, const Key& key) {
  std::string name(alg_name(alg));
  if (alg_key_type(alg) != key.type()) {
    return invalid_argument(name + " needs a " + std::string(key_type_name(alg_key_type(alg))) +
                            " key, got " + std::string(key_type_name(key.type())));
  }
  std::string_view curve = alg_curve(alg);
  if (!curve.empty() && curve != key.curve()) {
    return invalid_argument(name + " needs curve " + std::string(curve) + ", key is " +
                            std::string(key.curve()));
  }
  if (key.alg() && *key.alg() != alg) {
    return invalid_argument("key is restricted to " + std::string(alg_name(*key.alg())) +
                            ", token uses " + name);
  }
  if (!key.use().empty() && key.use() != "sig") {
    return invalid_argument("key \"use\" is \"" + key.use() + "\", not \"sig\"");
  }
  if (key.type() == KeyType::kRsa && key.bits() < kMinRsaBits) {
    return invalid_argument("RSA key of " + std::to_string(key.bits()) + " bits is too short");
  }
  if (key.type() == KeyType::kOct && key.secret().empty()) {
    return invalid_argument("HMAC secret is empty");
  }
  return ok_status();
}

Result<std::string> sign_bytes(Alg alg, const Key& key, std::string_view input) {
  DTS_TRY(check_key_for_alg(alg, key));
  if (is_hmac(alg)) {
    return hmac(alg, key, input);
  }
  if (!key.has_private()) {
    return failed_precondition("jws: signing needs a private key");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) {
    return internal_error("jws: out of memory");
  }
  DTS_TRY(init_ctx(alg, key, ctx.get(), true));
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, bytes(input), input.size()) != 1) {
    return detail::openssl_error(Code::kInternal, "jws: signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(input),
                     input.size()) != 1) {
    return detail::openssl_error(Code::kInternal, "jws: signing failed");
  }
  sig.resize(len);
  if (alg_key_type(alg) == KeyType::kEc) {
    return der_to_raw(sig, ecdsa_half(alg));
  }
  return sig;
}

Status verify_bytes(Alg alg, const Key& key, std::string_view input, std::string_view signature) {
  DTS_TRY(check_key_for_alg(alg, key));
  if (is_hmac(alg)) {
    DTS_ASSIGN_OR_RETURN(std::string expected, hmac(alg, key, input));
    if (signature.size() != expected.size() ||
        CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0) {
      return unauthenticated("signature does not verify");
    }
    return ok_status();
  }
  std::string der;
  std::string_view to_check = signature;
  if (alg_key_type(alg) == KeyType::kEc) {
    if (signature.size() != 2 * ecdsa_half(alg)) {
      return unauthenticated("signature has the wrong length for " + std::string(alg_name(alg)));
    }
    DTS_ASSIGN_OR_RETURN(der, raw_to_der(signature, ecdsa_half(alg)));
    to_check = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.pkey()))) {
    return unauthenticated("signature has the wrong length for " + std::string(alg_name(alg)));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) {
    return internal_error("jws: out of memory");
  }
  DTS_TRY(init_ctx(alg, key, ctx.get(), false));
  int rc =
      EVP_DigestVerify(ctx.get(), bytes(to_check), to_check.size(), bytes(input), input.size());
  detail::clear_openssl_errors();
  if (rc != 1) {
    return unauthenticated("signature does not verify");
  }
  return ok_status();
}

}  // namespace dts::jwt
