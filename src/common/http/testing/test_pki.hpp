#pragma once
// A throwaway certificate authority for TLS tests: keys and certificates are generated with
// OpenSSL at test time (EC P-256, so it takes milliseconds) — no private key is committed.

#include <chrono>
#include <string>
#include <vector>

struct evp_pkey_st;
struct x509_st;

namespace dts::http::testing {

struct IssuedCert {
  std::string cert_pem;  // the leaf only: like real servers, the root is not sent
  std::string key_pem;
};

struct CertSpec {
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};
  // Validity relative to now.
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{3600};
};

class TestCa {
 public:
  explicit TestCa(const std::string& common_name = "dts test CA");
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  // The CA certificate in a temporary PEM file (removed by the destructor), for
  // ClientOptions::ca_file.
  const std::string& cert_file();

  // A server certificate (serverAuth) signed by this CA.
  IssuedCert issue(const CertSpec& spec = {}) const;

 private:
  evp_pkey_st* key_ = nullptr;
  x509_st* cert_ = nullptr;
  std::string cert_pem_;
  std::string cert_file_;
};

// Writes `contents` to a new temporary file and returns its path (the caller removes it).
std::string write_temp_file(const std::string& contents, const std::string& suffix);

}  // namespace dts::http::testing
