#include "common/digest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace dts::digest {
namespace {

std::string hex(const Sha256& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

// FIPS 180-2 / RFC 4231 test vectors: the values are the standards', not this code's output.
TEST(Digest, Sha256KnownAnswers) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, HmacSha256Rfc4231) {
  // Test case 2: key "Jefe".
  EXPECT_EQ(hex(HmacSha256("Jefe").compute("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key, longer than the block, is hashed first.
  EXPECT_EQ(hex(HmacSha256(std::string(131, '\xaa'))
                    .compute("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Digest, HmacIsReusableAndThreadSafe) {
  const HmacSha256 mac("Jefe");
  const HmacSha256 copy = mac;  // copies share the keyed state
  const std::string want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const HmacSha256& m = t % 2 ? copy : mac;
        if (hex(m.compute("what do ya want for nothing?")) != want) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
  EXPECT_NE(hex(HmacSha256("Jefe2").compute("what do ya want for nothing?")), want);
}

}  // namespace
}  // namespace dts::digest
