#include "identity/key_encryption.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "jwt/base64.hpp"

namespace dts::identity {
namespace {

KeyEncryption kek(char fill) { return KeyEncryption::from_bytes(std::string(32, fill)).value(); }

TEST(KeyEncryption, RoundTrip) {
  KeyEncryption k = kek('a');
  std::string secret = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n";
  auto sealed = k.seal(secret, "kid-1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(sealed->starts_with("v1."));
  EXPECT_EQ(sealed->find("PRIVATE"), std::string::npos);
  auto opened = k.open(*sealed, "kid-1");
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_EQ(*opened, secret);
}

TEST(KeyEncryption, FreshNonceEverySeal) {
  KeyEncryption k = kek('a');
  EXPECT_NE(k.seal("same", "x").value(), k.seal("same", "x").value());
}

TEST(KeyEncryption, EmptyPlaintext) {
  KeyEncryption k = kek('a');
  auto sealed = k.seal("", "aad").value();
  EXPECT_EQ(k.open(sealed, "aad").value(), "");
}

TEST(KeyEncryption, TamperedCiphertextFails) {
  KeyEncryption k = kek('a');
  std::string sealed = k.seal("private key bytes", "kid").value();
  std::string raw = jwt::base64url_decode(sealed.substr(3)).value();
  // Flip one bit in every position: nonce, ciphertext and tag are all covered.
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = k.open("v1." + jwt::base64url_encode(bad), "kid");
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.error().code(), Code::kUnauthenticated);
  }
  // Truncated (tag cut off) and extended.
  EXPECT_FALSE(k.open("v1." + jwt::base64url_encode(raw.substr(0, raw.size() - 1)), "kid").ok());
  EXPECT_FALSE(k.open("v1." + jwt::base64url_encode(raw + "x"), "kid").ok());
}

TEST(KeyEncryption, WrongKeyOrWrongRowFails) {
  std::string sealed = kek('a').seal("secret", "kid-1").value();
  EXPECT_EQ(kek('b').open(sealed, "kid-1").error().code(), Code::kUnauthenticated);
  EXPECT_EQ(kek('a').open(sealed, "kid-2").error().code(), Code::kUnauthenticated);
}

TEST(KeyEncryption, MalformedSealedValues) {
  KeyEncryption k = kek('a');
  for (const std::string& bad : std::vector<std::string>{"", "v1.", "v2.AAAA", "v1.!!!!", "v1.AAAA", "plain text",
                          std::string("v1.") + std::string(200000, 'A')}) {
    auto r = k.open(bad, "x");
    ASSERT_FALSE(r.ok()) << bad.substr(0, 20);
    EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  }
}

TEST(KeyEncryption, ParsesEnvironmentValue) {
  std::string b64 = KeyEncryption::generate_base64();
  EXPECT_EQ(b64.size(), 44u);
  auto k = KeyEncryption::from_base64(b64);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->kek_id().size(), 16u);
  // base64url without padding is accepted too, and means the same key.
  std::string raw = jwt::base64_decode(b64).value();
  EXPECT_EQ(KeyEncryption::from_base64(jwt::base64url_encode(raw))->kek_id(), k->kek_id());
  // Two generated keys differ.
  EXPECT_NE(KeyEncryption::from_base64(KeyEncryption::generate_base64())->kek_id(), k->kek_id());
}

TEST(KeyEncryption, RejectsBadEnvironmentValues) {
  for (const std::string& bad : std::vector<std::string>{"", "short", jwt::base64_encode(std::string(31, 'k')),
                          jwt::base64_encode(std::string(33, 'k')), std::string(44, '*')}) {
    auto k = KeyEncryption::from_base64(bad);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error().code(), Code::kInvalidArgument);
    // The message never echoes the value.
    if (bad.size() > 8) {
      EXPECT_EQ(k.error().message().find(bad), std::string::npos);
    }
  }
}

TEST(KeyEncryption, DerivedMacsArePurposeSeparated) {
  KeyEncryption k = kek('a');
  EXPECT_EQ(k.derive_mac("csrf", "x"), k.derive_mac("csrf", "x"));
  EXPECT_NE(k.derive_mac("csrf", "x"), k.derive_mac("other", "x"));
  EXPECT_NE(k.derive_mac("csrf", "x"), kek('b').derive_mac("csrf", "x"));
  EXPECT_EQ(k.derive_mac("csrf", "x").size(), 32u);
}

TEST(KeyEncryption, FileIsCreatedOnceAndReused) {
  std::string dir = ::testing::TempDir() + "kek-" + std::to_string(::getpid());
  std::string path = dir + "/identity/key-encryption-key";
  std::filesystem::remove_all(dir);
  auto first = KeyEncryption::load_or_create_file(path);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write);
  auto second = KeyEncryption::load_or_create_file(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->kek_id(), second->kek_id());
  // A corrupted file is an error, not a silently regenerated key (that would orphan every
  // sealed signing key).
  { std::ofstream(path, std::ios::trunc) << "garbage\n"; }
  EXPECT_FALSE(KeyEncryption::load_or_create_file(path).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dts::identity
