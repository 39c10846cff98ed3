#pragma once
// RAII owners for the OpenSSL objects this module touches, plus a helper that turns the
// OpenSSL error queue into a dts::Error. Internal to src/jwt (not part of the public API).
//
// Why a helper for the error queue: OpenSSL reports failures on a thread-local queue; if we
// do not drain it, a stale entry from one failed parse shows up in the next, unrelated error.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::jwt::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// Drains the thread's OpenSSL error queue and returns an Error of `code` whose message is
// `what` followed by the first queued reason (if any).
Error openssl_error(Code code, std::string_view what);

// Clears the queue without reporting (after an expected failure such as a bad signature).
void clear_openssl_errors();

// Big-endian bytes of `bn`, left-padded with zeros to `width` (0 = minimal length).
std::string bn_to_bytes(const BIGNUM* bn, int width = 0);

// A BIGNUM from big-endian bytes; nullptr only on allocation failure.
BnPtr bytes_to_bn(std::string_view bytes);

}  // namespace dts::jwt::detail
