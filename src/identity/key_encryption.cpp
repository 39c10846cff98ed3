#include "identity/key_encryption.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <fcntl.h>
#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "jwt/base64.hpp"

namespace dts::identity {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
// A private key PEM is a few KB; anything much larger is not one of ours.
constexpr size_t kMaxPlaintext = 64 * 1024;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), u8(data), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

KeyEncryption::~KeyEncryption() {
  if (!key_.empty()) {
    OPENSSL_cleanse(key_.data(), key_.size());
  }
}

Result<KeyEncryption> KeyEncryption::from_bytes(std::string_view key) {
  if (key.size() != kKeyBytes) {
    return invalid_argument("key encryption key must be 32 bytes, got " +
                            std::to_string(key.size()));
  }
  KeyEncryption k;
  k.key_ = std::string(key);
  k.kek_id_ = to_hex(hmac_sha256(k.key_, "dts-identity-kek-id").substr(0, 8));
  return k;
}

Result<KeyEncryption> KeyEncryption::from_base64(std::string_view text) {
  auto raw = jwt::base64_decode(text);
  if (!raw.ok()) {
    raw = jwt::base64url_decode(text);
  }
  if (!raw.ok()) {
    return invalid_argument("key encryption key must be base64 of 32 random bytes");
  }
  auto k = from_bytes(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  return k;
}

std::string KeyEncryption::generate_base64() {
  unsigned char buf[kKeyBytes];
  if (RAND_bytes(buf, sizeof buf) != 1) {
    std::abort();  // no CSPRNG: handing out a predictable key is worse than stopping
  }
  std::string out = jwt::base64_encode(std::string_view(reinterpret_cast<char*>(buf), sizeof buf));
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

Result<KeyEncryption> KeyEncryption::load_or_create_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::string line = generate_base64() + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
              ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(line.data(), line.size());
    if (!ok) {
      ::unlink(path.c_str());
      return internal_error("cannot write the key encryption key file " + path);
    }
  } else if (errno != EEXIST) {
    return internal_error("cannot create the key encryption key file " + path);
  }
  // Read back (also when another process created it a moment ago: retry while it is empty).
  std::string text;
  for (int attempt = 0; attempt < 50; ++attempt) {
    int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      return internal_error("cannot read the key encryption key file " + path);
    }
    char buf[128];
    ssize_t n = ::read(in, buf, sizeof buf);
    ::close(in);
    text.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
    OPENSSL_cleanse(buf, sizeof buf);
    if (!text.empty() && text.back() == '\n') {
      break;
    }
    ::usleep(10000);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  auto k = from_base64(text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!k.ok()) {
    return invalid_argument("key encryption key file " + path + ": " + k.error().message());
  }
  return k;
}

Result<std::string> KeyEncryption::seal(std::string_view plaintext, std::string_view aad) const {
  if (plaintext.size() > kMaxPlaintext) {
    return invalid_argument("seal: plaintext too large");
  }
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    return internal_error("seal: no randomness");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce, nonce + kNonceBytes, o);
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(key_), nonce) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), o + kNonceBytes, &len, u8(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), o + kNonceBytes + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                o + kNonceBytes + plaintext.size()) == 1;
  if (!ok) {
    return internal_error("seal: AES-256-GCM failed");
  }
  return std::string(kPrefix) + jwt::base64url_encode(out);
}

Result<std::string> KeyEncryption::open(std::string_view sealed, std::string_view aad) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) {
    return invalid_argument("open: unknown sealed format");
  }
  auto raw = jwt::base64url_decode(sealed.substr(kPrefix.size()));
  if (!raw.ok() || raw->size() < kNonceBytes + kTagBytes ||
      raw->size() > kMaxPlaintext + kNonceBytes + kTagBytes) {
    return invalid_argument("open: malformed sealed value");
  }
  const auto* in = u8(*raw);
  size_t text_len = raw->size() - kNonceBytes - kTagBytes;
  std::string plain(text_len, '\0');
  auto* p = reinterpret_cast<unsigned char*>(plain.data());
  std::string tag = raw->substr(kNonceBytes + text_len);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(key_), in) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), p, &len, in + kNonceBytes, static_cast<int>(text_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), p + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return unauthenticated("open: authentication failed (tampered, wrong key or wrong row)");
  }
  return plain;
}

std::string KeyEncryption::derive_mac(std::string_view purpose, std::string_view data) const {
  std::string subkey = hmac_sha256(key_, std::string("dts-identity-subkey:") + std::string(purpose));
  std::string mac = hmac_sha256(subkey, data);
  OPENSSL_cleanse(subkey.data(), subkey.size());
  return mac;
}

}  // namespace dts::identity
