#include "common/http/testing/test_pki.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace dts::http::testing {
namespace {

// Test fixture code: an OpenSSL failure here is a broken test environment.
void check(bool ok, const char* what) {
  if (!ok) {
    std::cerr << "test_pki: " << what << " failed\n";
    std::abort();
  }
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_X509(bio, cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string key_to_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by (issuer_cert, issuer_key), or self-signed
// when issuer_cert is null.
X509* make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer_cert, EVP_PKEY* issuer_key,
                bool is_ca, const std::string& san, std::chrono::seconds not_before,
                std::chrono::seconds not_after) {
  X509* cert = X509_new();
  check(cert != nullptr, "X509_new");
  X509_set_version(cert, 2);
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "RAND_bytes");
  serial_bytes[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  check(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) != nullptr, "serial");
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(not_after.count()));
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer_cert ? X509_get_subject_name(issuer_cert) : name);
  check(X509_set_pubkey(cert, key) == 1, "X509_set_pubkey");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert ? issuer_cert : cert, cert, nullptr, nullptr, 0);
  add_ext(cert, &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext(cert, &ctx, NID_key_usage,
          is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_ext(cert, &ctx, NID_subject_key_identifier, "hash");
  add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always");
  if (!is_ca) add_ext(cert, &ctx, NID_ext_key_usage, "serverAuth");
  if (!san.empty()) add_ext(cert, &ctx, NID_subject_alt_name, san);
  check(X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

}  // namespace

TestCa::TestCa(const std::string& common_name) {
  key_ = EVP_EC_gen("P-256");
  check(key_ != nullptr, "EVP_EC_gen");
  cert_ = make_cert(key_, common_name, nullptr, nullptr, true, "", std::chrono::seconds(-3600),
                    std::chrono::seconds(24 * 3600));
  cert_pem_ = to_pem(cert_);
}

TestCa::~TestCa() {
  if (!cert_file_.empty()) std::remove(cert_file_.c_str());
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

const std::string& TestCa::cert_file() {
  if (cert_file_.empty()) cert_file_ = write_temp_file(cert_pem_, ".pem");
  return cert_file_;
}

IssuedCert TestCa::issue(const CertSpec& spec) const {
  std::string san;
  for (const auto& d : spec.dns_names) san += (san.empty() ? "" : ",") + ("DNS:" + d);
  for (const auto& ip : spec.ip_addresses) san += (san.empty() ? "" : ",") + ("IP:" + ip);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EVP_EC_gen");
  std::string cn = spec.dns_names.empty() ? "server" : spec.dns_names.front();
  X509* cert = make_cert(key, cn, cert_, key_, false, san, spec.not_before, spec.not_after);
  IssuedCert out{to_pem(cert), key_to_pem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::string write_temp_file(const std::string& contents, const std::string& suffix) {
  unsigned char rnd[8];
  check(RAND_bytes(rnd, sizeof rnd) == 1, "RAND_bytes");
  std::string name = "dts-test-";
  static const char* hex = "0123456789abcdef";
  for (unsigned char b : rnd) {
    name += hex[b >> 4];
    name += hex[b & 15];
  }
  auto path = std::filesystem::temp_directory_path() / (name + suffix);
  std::ofstream out(path, std::ios::binary);
  out << contents;
  check(static_cast<bool>(out), "write_temp_file");
  return path.string();
}

}  // namespace dts::http::testing
