#include "jwt/key.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "jwt/base64.hpp"
#include "jwt/jws.hpp"
#include "jwt/signature.hpp"
#include "jwt/test_support.hpp"

namespace dts::jwt {
namespace {

namespace fs = std::filesystem;

// A scratch directory for the openssl CLI cross-checks, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "dts_jwt_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
}

bool run(const std::string& cmd) { return std::system((cmd + " 2>/dev/null").c_str()) == 0; }

bool have_openssl() { return run("openssl version >/dev/null"); }

TEST(Key, GeneratesEveryShape) {
  struct Case {
    KeySpec spec;
    KeyType type;
    std::string_view curve;
    int bits;
  };
  for (const Case& c : {Case{KeySpec::kRsa2048, KeyType::kRsa, "", 2048},
                        Case{KeySpec::kEcP256, KeyType::kEc, "P-256", 256},
                        Case{KeySpec::kEcP384, KeyType::kEc, "P-384", 384},
                        Case{KeySpec::kEcP521, KeyType::kEc, "P-521", 521},
                        Case{KeySpec::kEd25519, KeyType::kOkp, "Ed25519", 256},
                        Case{KeySpec::kHmac256, KeyType::kOct, "", 256}}) {
    const Key& key = testing::cached_key(c.spec);
    EXPECT_EQ(key.type(), c.type);
    EXPECT_EQ(key.curve(), c.curve);
    EXPECT_EQ(key.bits(), c.bits);
    EXPECT_TRUE(key.has_private());
  }
}

TEST(Key, Rsa3072Generation) {
  auto key = Key::generate(KeySpec::kRsa3072);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->bits(), 3072);
}

TEST(Key, PemRoundTrip) {
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kEcP256, KeySpec::kEcP384, KeySpec::kEd25519}) {
    const Key& key = testing::cached_key(spec);
    std::string priv = key.to_private_pem().value();
    std::string pub = key.to_public_pem().value();
    EXPECT_EQ(priv.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    EXPECT_EQ(pub.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    Key priv_back = Key::from_pem(priv).value();
    Key pub_back = Key::from_pem(pub).value();
    EXPECT_TRUE(priv_back.has_private());
    EXPECT_FALSE(pub_back.has_private());
    EXPECT_TRUE(priv_back.same_material(key));
    EXPECT_TRUE(pub_back.same_material(key));
    EXPECT_FALSE(pub_back.to_private_pem().ok());
  }
  EXPECT_FALSE(testing::cached_key(KeySpec::kHmac256).to_public_pem().ok());
}

TEST(Key, PublicKeyKeepsMetadataAndDropsPrivatePart) {
  Key key = testing::cached_key(KeySpec::kEcP256);
  key.set_kid("kid-1");
  key.set_alg(Alg::kES256);
  Key pub = key.public_key().value();
  EXPECT_FALSE(pub.has_private());
  EXPECT_EQ(pub.kid(), "kid-1");
  EXPECT_EQ(pub.alg(), Alg::kES256);
  EXPECT_FALSE(sign_bytes(Alg::kES256, pub, "x").ok());
}

TEST(Key, RejectsBadPem) {
  for (const char* bad :
       {"", "hello", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n",
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"}) {
    EXPECT_FALSE(Key::from_pem(bad).ok()) << bad;
  }
  EXPECT_FALSE(Key::from_pem(std::string(100000, 'A')).ok());
}

TEST(Key, SecretsCompareByValue) {
  EXPECT_TRUE(Key::from_secret("abc").same_material(Key::from_secret("abc")));
  EXPECT_FALSE(Key::from_secret("abc").same_material(Key::from_secret("abd")));
  EXPECT_FALSE(Key::from_secret("abc").same_material(testing::cached_key(KeySpec::kEcP256)));
}

TEST(Key, RefusesShortRsaKeys) {
  // RFC 7518 §3.3: RSA keys of 2048 bits or more.
  auto small = Key::from_pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->bits(), 1024);
  EXPECT_FALSE(check_key_for_alg(Alg::kRS256, *small).ok());
  EXPECT_FALSE(sign_bytes(Alg::kPS256, *small, "x").ok());
}

// --- cross-checks with the openssl command-line tool -------------------------------------

TEST(OpensslCli, ReadsKeysFromGenpkeyAndVerifiesOurSignatures) {
  if (!have_openssl()) {
    GTEST_SKIP() << "openssl CLI not installed";
  }
  TempDir dir;
  struct Case {
    const char* genpkey_args;
    Alg alg;
  };
  for (const Case& c : {Case{"-algorithm RSA -pkeyopt rsa_keygen_bits:2048", Alg::kRS256},
                        Case{"-algorithm EC -pkeyopt ec_paramgen_curve:P-256", Alg::kES256},
                        Case{"-algorithm ED25519", Alg::kEdDSA}}) {
    SCOPED_TRACE(c.genpkey_args);
    fs::path key_pem = dir / "key.pem";
    fs::path pub_pem = dir / "pub.pem";
    ASSERT_TRUE(
        run("openssl genpkey " + std::string(c.genpkey_args) + " -out " + key_pem.string()));
    ASSERT_TRUE(run("openssl pkey -in " + key_pem.string() + " -pubout -out " + pub_pem.string()));
    auto key = Key::from_pem(read_file(key_pem));
    ASSERT_TRUE(key.ok()) << key.error().to_string();
    EXPECT_TRUE(key->has_private());
    Key pub = Key::from_pem(read_file(pub_pem)).value();
    EXPECT_TRUE(pub.same_material(*key));

    // Our signature, verified by openssl (raw R||S converted by openssl itself is not
    // possible, so ECDSA goes through our DER-free path and is checked by us below).
    std::string input = "header.payload";
    std::string sig = sign_bytes(c.alg, *key, input).value();
    write_file(dir / "input", input);
    write_file(dir / "sig", sig);
    if (c.alg == Alg::kRS256) {
      EXPECT_TRUE(run("openssl dgst -sha256 -verify " + pub_pem.string() + " -signature " +
                      (dir / "sig").string() + " " + (dir / "input").string() + " >/dev/null"));
    } else if (c.alg == Alg::kEdDSA) {
      EXPECT_TRUE(run("openssl pkeyutl -verify -pubin -inkey " + pub_pem.string() + " -rawin -in " +
                      (dir / "input").string() + " -sigfile " + (dir / "sig").string() +
                      " >/dev/null"));
    }
    EXPECT_TRUE(verify_bytes(c.alg, pub, input, sig).ok());
  }
}

TEST(OpensslCli, VerifiesSignaturesMadeByOpensslDgst) {
  if (!have_openssl()) {
    GTEST_SKIP() << "openssl CLI not installed";
  }
  TempDir dir;
  const Key& rsa = testing::cached_key(KeySpec::kRsa2048);
  write_file(dir / "key.pem", rsa.to_private_pem().value());
  std::string input = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
  write_file(dir / "input", input);
  // RS256 = PKCS#1 v1.5 with SHA-256.
  ASSERT_TRUE(run("openssl dgst -sha256 -sign " + (dir / "key.pem").string() + " -out " +
                  (dir / "rs.sig").string() + " " + (dir / "input").string()));
  EXPECT_TRUE(verify_bytes(Alg::kRS256, rsa, input, read_file(dir / "rs.sig")).ok());
  // PS256 = PSS, MGF1-SHA256, salt length = digest length.
  ASSERT_TRUE(run("openssl dgst -sha256 -sign " + (dir / "key.pem").string() +
                  " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -out " +
                  (dir / "ps.sig").string() + " " + (dir / "input").string()));
  EXPECT_TRUE(verify_bytes(Alg::kPS256, rsa, input, read_file(dir / "ps.sig")).ok());
  EXPECT_FALSE(verify_bytes(Alg::kRS256, rsa, input, read_file(dir / "ps.sig")).ok());

  // ES256: openssl speaks DER, JWS speaks R||S. Convert by hand (independently of our own
  // converter) in both directions and let each side verify the other's signature.
  const Key& ec = testing::cached_key(KeySpec::kEcP256);
  write_file(dir / "ec.pem", ec.to_private_pem().value());
  write_file(dir / "ec_pub.pem", ec.to_public_pem().value());
  std::string raw = sign_bytes(Alg::kES256, ec, input).value();
  ASSERT_EQ(raw.size(), 64u);
  auto der_int = [](std::string v) {
    size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) {
      ++i;
    }
    v = v.substr(i);
    if (static_cast<unsigned char>(v[0]) & 0x80) {
      v.insert(v.begin(), '\0');
    }
    return std::string("\x02", 1) + static_cast<char>(v.size()) + v;
  };
  std::string body = der_int(raw.substr(0, 32)) + der_int(raw.substr(32));
  std::string der = std::string("\x30", 1) + static_cast<char>(body.size()) + body;
  write_file(dir / "es.sig", der);
  EXPECT_TRUE(run("openssl dgst -sha256 -verify " + (dir / "ec_pub.pem").string() + " -signature " +
                  (dir / "es.sig").string() + " " + (dir / "input").string() + " >/dev/null"));

  ASSERT_TRUE(run("openssl dgst -sha256 -sign " + (dir / "ec.pem").string() + " -out " +
                  (dir / "es_openssl.sig").string() + " " + (dir / "input").string()));
  std::string osig = read_file(dir / "es_openssl.sig");
  // SEQUENCE { INTEGER r, INTEGER s } with short lengths (P-256 fits).
  ASSERT_GE(osig.size(), 8u);
  ASSERT_EQ(osig[0], 0x30);
  auto take_int = [&](size_t& pos) {
    EXPECT_EQ(osig[pos], 0x02);
    size_t len = static_cast<unsigned char>(osig[pos + 1]);
    std::string v = osig.substr(pos + 2, len);
    pos += 2 + len;
    while (v.size() > 32 && v[0] == 0) {
      v.erase(v.begin());
    }
    return std::string(32 - v.size(), '\0') + v;
  };
  size_t pos = 2;
  std::string r = take_int(pos);
  std::string s = take_int(pos);
  EXPECT_TRUE(verify_bytes(Alg::kES256, ec, input, r + s).ok());
  EXPECT_FALSE(verify_bytes(Alg::kES256, ec, input, osig).ok());  // DER is not a JWS signature
}

TEST(OpensslCli, ReadsLegacyPemShapesAndRefusesEncryptedPem) {
  if (!have_openssl()) {
    GTEST_SKIP() << "openssl CLI not installed";
  }
  TempDir dir;
  std::string k = (dir / "k.pem").string();
  ASSERT_TRUE(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + k));
  Key key = Key::from_pem(read_file(k)).value();
  // PKCS#1 "RSA PUBLIC KEY" and traditional "RSA PRIVATE KEY".
  ASSERT_TRUE(run("openssl rsa -in " + k + " -RSAPublicKey_out -out " + (dir / "p1.pem").string()));
  ASSERT_TRUE(run("openssl rsa -in " + k + " -traditional -out " + (dir / "t.pem").string()));
  std::string p1 = read_file(dir / "p1.pem");
  std::string trad = read_file(dir / "t.pem");
  EXPECT_NE(p1.find("BEGIN RSA PUBLIC KEY"), std::string::npos);
  EXPECT_NE(trad.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(Key::from_pem(p1).value().same_material(key));
  EXPECT_TRUE(Key::from_pem(trad).value().has_private());
  // SEC1 "EC PRIVATE KEY".
  ASSERT_TRUE(
      run("openssl ecparam -name secp384r1 -genkey -noout -out " + (dir / "ec.pem").string()));
  std::string sec1 = read_file(dir / "ec.pem");
  EXPECT_NE(sec1.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  Key ec = Key::from_pem(sec1).value();
  EXPECT_EQ(ec.curve(), "P-384");
  EXPECT_TRUE(ec.has_private());
  // `openssl ecparam -genkey` without -noout: parameters block first, then the key.
  ASSERT_TRUE(run("openssl ecparam -name prime256v1 -genkey -out " + (dir / "ecp.pem").string()));
  std::string with_params = read_file(dir / "ecp.pem");
  EXPECT_NE(with_params.find("BEGIN EC PARAMETERS"), std::string::npos);
  EXPECT_EQ(Key::from_pem(with_params).value().curve(), "P-256");
  // Encrypted keys are refused, and never prompt for a passphrase (stdin is closed anyway).
  ASSERT_TRUE(
      run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 "
          "-pass pass:secret -out " +
          (dir / "enc.pem").string()));
  ASSERT_TRUE(run("openssl rsa -in " + k + " -traditional -aes256 -passout pass:secret -out " +
                  (dir / "enc_rsa.pem").string()));
  EXPECT_FALSE(Key::from_pem(read_file(dir / "enc.pem")).ok());
  EXPECT_FALSE(Key::from_pem(read_file(dir / "enc_rsa.pem")).ok());
  // An unsupported curve is named in the error.
  ASSERT_TRUE(
      run("openssl ecparam -name secp256k1 -genkey -noout -out " + (dir / "k1.pem").string()));
  auto k1 = Key::from_pem(read_file(dir / "k1.pem"));
  ASSERT_FALSE(k1.ok());
  EXPECT_NE(k1.error().message().find("secp256k1"), std::string::npos);
}

TEST(OpensslCli, ReadsACertificate) {
  if (!have_openssl()) {
    GTEST_SKIP() << "openssl CLI not installed";
  }
  TempDir dir;
  ASSERT_TRUE(run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                  (dir / "k.pem").string() + " -out " + (dir / "c.pem").string() +
                  " -days 1 -subj /CN=test"));
  Key cert_key = Key::from_pem(read_file(dir / "c.pem")).value();
  Key priv = Key::from_pem(read_file(dir / "k.pem")).value();
  EXPECT_FALSE(cert_key.has_private());
  EXPECT_TRUE(cert_key.same_material(priv));
  std::string token = sign_jwt(Alg::kES256, priv, {{"a", 1}}).value();
  EXPECT_TRUE(verify_signature(decode_compact(token).value(), Alg::kES256, cert_key).ok());
}

}  // namespace
}  // namespace dts::jwt
