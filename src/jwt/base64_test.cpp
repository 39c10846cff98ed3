#include "jwt/base64.hpp"

#include <gtest/gtest.h>

namespace dts::jwt {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
  // RFC 4648 §10, in the url alphabet without padding.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_decode("Zm9vYmE").value(), "fooba");
  EXPECT_EQ(base64url_decode("").value(), "");
}

TEST(Base64Url, UsesUrlAlphabet) {
  std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(base64url_encode(bytes), "-__-");
  EXPECT_EQ(base64url_decode("-__-").value(), bytes);
  EXPECT_EQ(base64_encode(bytes), "+//+");
}

TEST(Base64Url, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data.push_back(static_cast<char>(i * 37 + 11));
    auto decoded = base64url_decode(base64url_encode(data));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), data);
    auto std_decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(std_decoded.ok());
    EXPECT_EQ(std_decoded.value(), data);
  }
}

TEST(Base64Url, RejectsPaddingAndForeignCharacters) {
  for (const char* bad :
       {"Zg==", "Zg=", "Zm9v=", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", "Z", "Zm9vY", "\xc3\xa9"}) {
    EXPECT_FALSE(base64url_decode(bad).ok()) << bad;
  }
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)).ok());
}

TEST(Base64Url, RejectsNonCanonicalTrailingBits) {
  // "Zg" is 'f'; "Zh" decodes to the same byte with a non-zero unused bit.
  EXPECT_TRUE(base64url_decode("Zg").ok());
  EXPECT_FALSE(base64url_decode("Zh").ok());
  EXPECT_FALSE(base64url_decode("Zm9").ok());
  EXPECT_TRUE(base64url_decode("Zm8").ok());
}

TEST(Base64, StrictPadding) {
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE=").value(), "fooba");
  EXPECT_FALSE(base64_decode("Zm9vYg").ok());    // missing padding
  EXPECT_FALSE(base64_decode("Zm9vYg=").ok());   // short padding
  EXPECT_FALSE(base64_decode("Zm9v====").ok());  // too much padding
  EXPECT_FALSE(base64_decode("Zm=9vYg=").ok());  // padding in the middle
  EXPECT_FALSE(base64_decode("Zm9-YmE=").ok());  // url alphabet
  EXPECT_FALSE(base64_decode("Zm9vYh==").ok());  // non-canonical
}

TEST(Hex, Encodes) { EXPECT_EQ(hex_encode(std::string("\x00\xff\x1a", 3)), "00ff1a"); }

}  // namespace
}  // namespace dts::jwt
