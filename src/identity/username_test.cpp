#include "identity/username.hpp"

#include <gtest/gtest.h>

#include "identity/faults.hpp"

namespace dts::identity {
namespace {

NormalizedUsername norm(std::string_view s) {
  auto r = normalize_username(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? *r : NormalizedUsername{};
}

bool rejected(std::string_view s) {
  auto r = normalize_username(s);
  return !r.ok() && fault_type(r.error()) == kInvalidParameter;
}

TEST(Username, CaseInsensitiveKeyKeepsDisplay) {
  auto a = norm("Alice");
  EXPECT_EQ(a.display, "Alice");
  EXPECT_EQ(a.key, "alice");
  EXPECT_EQ(norm("ALICE").key, "alice");
  EXPECT_EQ(norm("alice@example.com").key, "alice@example.com");
  // German sharp s case-folds to "ss" (NFKC_Casefold).
  EXPECT_EQ(norm("Stra\xC3\x9F" "e").key, "strasse");
}

TEST(Username, CompatibilityFormsFold) {
  // Full-width "ＡＬＩＣＥ" and the "ﬁ" ligature.
  EXPECT_EQ(norm("\xEF\xBC\xA1\xEF\xBC\xAC\xEF\xBC\xA9\xEF\xBC\xA3\xEF\xBC\xA5").key, "alice");
  EXPECT_EQ(norm("\xEF\xAC\x81" "sh").key, "fish");
  // Precomposed and decomposed é are one user.
  EXPECT_EQ(norm("caf\xC3\xA9").key, norm("cafe\xCC\x81").key);
}

TEST(Username, ConfusablesShareASkeleton) {
  // Cyrillic "а" (U+0430) in place of Latin "a".
  auto latin = norm("alice");
  auto cyrillic = norm("\xD0\xB0lice");
  EXPECT_NE(latin.key, cyrillic.key);
  EXPECT_EQ(latin.skeleton, cyrillic.skeleton);
  EXPECT_EQ(norm("paypal").skeleton, norm("p\xD0\xB0yp\xD0\xB0l").skeleton);
  EXPECT_NE(norm("bob").skeleton, norm("alice").skeleton);
}

TEST(Username, SqlMetacharactersAreJustCharacters) {
  auto n = norm("o'brien\";--DROP");
  EXPECT_EQ(n.display, "o'brien\";--DROP");
  EXPECT_EQ(n.key, "o'brien\";--drop");
  EXPECT_EQ(norm("a%_\\b").key, "a%_\\b");
}

TEST(Username, RejectsBadInput) {
  EXPECT_TRUE(rejected(""));
  EXPECT_TRUE(rejected("al ice"));
  EXPECT_TRUE(rejected(" alice"));
  EXPECT_TRUE(rejected("alice\n"));
  EXPECT_TRUE(rejected(std::string("al\0ice", 6)));
  EXPECT_TRUE(rejected("ali\xE2\x80\x8B" "ce"));   // zero-width space U+200B
  EXPECT_TRUE(rejected("ali\xE2\x80\xAE" "ce"));   // right-to-left override U+202E
  EXPECT_TRUE(rejected("\xC3\x28"));                // invalid UTF-8
  EXPECT_TRUE(rejected("\xC0\xAF"));                // overlong '/'
  EXPECT_TRUE(rejected("\xED\xA0\x80"));            // surrogate
  EXPECT_TRUE(rejected("\xEE\x80\x80"));            // private use U+E000
  EXPECT_TRUE(rejected(std::string(129, 'a')));
  EXPECT_FALSE(rejected(std::string(128, 'a')));
  EXPECT_TRUE(rejected(std::string(100000, 'a')));
}

TEST(Text, CheckText) {
  EXPECT_TRUE(check_text("f", "hello", 10).ok());
  EXPECT_FALSE(check_text("f", "hello world", 5).ok());
  EXPECT_FALSE(check_text("f", "a\x01", 5).ok());
  EXPECT_FALSE(check_text("f", "\xFF", 5).ok());
  EXPECT_FALSE(check_text("f", "", 5, false).ok());
}

}  // namespace
}  // namespace dts::identity
