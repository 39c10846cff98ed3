#include "jwt/key.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "jwt/detail/openssl.hpp"

namespace dts::jwt {
namespace {

using detail::BioPtr;
using detail::BnPtr;
using detail::PkeyPtr;

// PEM inputs come from configuration or Rego policies; anything this large is not a key.
constexpr size_t kMaxPemBytes = 64 * 1024;

// Never prompt for a passphrase (OpenSSL's default callback reads the terminal).
int refuse_passphrase(char*, int, int, void*) { return -1; }

void wipe_and_delete(const std::string* s) {
  if (s != nullptr) {
    OPENSSL_cleanse(const_cast<char*>(s->data()), s->size());
    delete s;
  }
}

bool has_bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  bool ok = EVP_PKEY_get_bn_param(pkey, name, &bn) == 1 && bn != nullptr;
  BN_clear_free(bn);
  detail::clear_openssl_errors();
  return ok;
}

std::string_view curve_from_group(std::string_view group) {
  if (group == "prime256v1" || group == "P-256") {
    return "P-256";
  }
  if (group == "secp384r1" || group == "P-384") {
    return "P-384";
  }
  if (group == "secp521r1" || group == "P-521") {
    return "P-521";
  }
  return "";
}

Result<std::string> pem_label(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t start = pem.find(kBegin);
  if (start == std::string_view::npos) {
    return invalid_argument("pem: no BEGIN line");
  }
  start += kBegin.size();
  size_t end = pem.find("-----", start);
  if (end == std::string_view::npos || end - start > 64) {
    return invalid_argument("pem: malformed BEGIN line");
  }
  return std::string(pem.substr(start, end - start));
}

EVP_PKEY* decode_rsa_public_pkcs1(BIO* bio) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nullptr, "RSA",
                                                        EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (ctx == nullptr) {
    return nullptr;
  }
  if (OSSL_DECODER_from_bio(ctx, bio) != 1) {
    EVP_PKEY_free(pkey);
    pkey = nullptr;
  }
  OSSL_DECODER_CTX_free(ctx);
  return pkey;
}

Result<std::string> bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) {
    return internal_error("pem: empty output");
  }
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

Key Key::from_secret(std::string_view secret) {
  Key key;
  key.type_ = KeyType::kOct;
  key.bits_ = static_cast<int>(secret.size() * 8);
  key.has_private_ = true;
  key.secret_ = std::shared_ptr<const std::string>(new std::string(secret), wipe_and_delete);
  return key;
}

Result<Key> Key::from_pkey(EVP_PKEY* raw) {
  PkeyPtr owned(raw);
  if (raw == nullptr) {
    return invalid_argument("key: no key");
  }
  Key key;
  switch (EVP_PKEY_get_base_id(raw)) {
    case EVP_PKEY_RSA:
      key.type_ = KeyType::kRsa;
      key.has_private_ = has_bn_param(raw, OSSL_PKEY_PARAM_RSA_D);
      break;
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      if (EVP_PKEY_get_group_name(raw, group, sizeof(group), &len) != 1) {
        return detail::openssl_error(Code::kInvalidArgument, "key: EC key without a named curve");
      }
      key.curve_ = std::string(curve_from_group(group));
      if (key.curve_.empty()) {
        return invalid_argument("key: unsupported EC curve " + std::string(group));
      }
      key.type_ = KeyType::kEc;
      key.has_private_ = has_bn_param(raw, OSSL_PKEY_PARAM_PRIV_KEY);
      break;
    }
    case EVP_PKEY_ED25519: {
      size_t len = 0;
      key.type_ = KeyType::kOkp;
      key.curve_ = "Ed25519";
      key.has_private_ = EVP_PKEY_get_raw_private_key(raw, nullptr, &len) == 1 && len == 32;
      detail::clear_openssl_errors();
      break;
    }
    default:
      return invalid_argument("key: unsupported key type (need RSA, EC or Ed25519)");
  }
  key.bits_ = EVP_PKEY_get_bits(raw);
  key.pkey_ = std::shared_ptr<EVP_PKEY>(owned.release(), EVP_PKEY_free);
  return key;
}

Result<Key> Key::from_pem(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) {
    return invalid_argument("pem: too large");
  }
  DTS_ASSIGN_OR_RETURN(std::string label, pem_label(pem));
  if (label == "EC PARAMETERS") {
    // `openssl ecparam -genkey` writes the curve parameters first; the key follows.
    size_t next = pem.find("-----BEGIN ", pem.find("-----BEGIN ") + 1);
    if (next == std::string_view::npos) {
      return invalid_argument("pem: EC PARAMETERS without a key");
    }
    return from_pem(pem.substr(next));
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return internal_error("pem: out of memory");
  }
  EVP_PKEY* pkey = nullptr;
  if (label == "CERTIFICATE") {
    detail::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr));
    if (cert) {
      pkey = X509_get_pubkey(cert.get());
    }
  } else if (label == "PUBLIC KEY") {
    pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr);
  } else if (label == "RSA PUBLIC KEY") {
    pkey = decode_rsa_public_pkcs1(bio.get());
  } else if (label == "PRIVATE KEY" || label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY") {
    pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr);
  } else {
    return invalid_argument("pem: unsupported block \"" + label + "\"");
  }
  if (pkey == nullptr) {
    return detail::openssl_error(Code::kInvalidArgument, "pem: cannot read " + label);
  }
  return from_pkey(pkey);
}

Result<Key> Key::generate(KeySpec spec) {
  EVP_PKEY* pkey = nullptr;
  switch (spec) {
    case KeySpec::kRsa2048:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeySpec::kRsa3072:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
      break;
    case KeySpec::kRsa4096:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
    case KeySpec::kEcP256:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeySpec::kEcP384:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeySpec::kEcP521:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeySpec::kEd25519:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeySpec::kHmac256: {
      std::string secret(32, '\0');
      if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), 32) != 1) {
        return detail::openssl_error(Code::kInternal, "key: RAND_bytes failed");
      }
      Key key = from_secret(secret);
      OPENSSL_cleanse(secret.data(), secret.size());
      return key;
    }
  }
  if (pkey == nullptr) {
    return detail::openssl_error(Code::kInternal, "key: generation failed");
  }
  return from_pkey(pkey);
}

Result<Key> Key::public_key() const {
  if (type_ == KeyType::kOct || !has_private_) {
    return *this;
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &der);
  if (len <= 0) {
    return detail::openssl_error(Code::kInternal, "key: cannot encode public key");
  }
  const unsigned char* p = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len);
  OPENSSL_free(der);
  DTS_ASSIGN_OR_RETURN(Key out, from_pkey(pub));
  out.kid_ = kid_;
  out.alg_ = alg_;
  out.use_ = use_;
  return out;
}

Result<std::string> Key::to_public_pem() const {
  if (type_ == KeyType::kOct) {
    return failed_precondition("key: an HMAC secret has no public PEM");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    return detail::openssl_error(Code::kInternal, "key: cannot write public PEM");
  }
  return bio_contents(bio.get());
}

Result<std::string> Key::to_private_pem() const {
  if (type_ == KeyType::kOct || !has_private_) {
    return failed_precondition("key: no private key to write");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    return detail::openssl_error(Code::kInternal, "key: cannot write private PEM");
  }
  return bio_contents(bio.get());
}

bool Key::same_material(const Key& other) const {
  if (type_ != other.type_) {
    return false;
  }
  if (type_ == KeyType::kOct) {
    std::string_view a = secret();
    std::string_view b = other.secret();
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  }
  return EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
}

}  // namespace dts::jwt
