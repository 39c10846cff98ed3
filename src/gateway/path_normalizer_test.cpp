#include "gateway/path_normalizer.hpp"

#include <gtest/gtest.h>

namespace dts::gateway {
namespace {

struct Case {
  const char* in;
  const char* out;  // nullptr: rejected
};

TEST(PathNormalizer, Table) {
  const Case cases[] = {
      {"/", "/"},
      {"/api/core/datasets", "/api/core/datasets"},
      {"/api/core/", "/api/core/"},
      {"//api///core", "/api/core"},
      {"/api/./core", "/api/core"},
      {"/api/core/../secrets", "/api/secrets"},
      {"/api/core/..", "/api/"},
      {"/api/core/.", "/api/core/"},
      {"/a/b/c/../../d", "/a/d"},
      {"/%61pi/%63ore", "/api/core"},           // unreserved escapes decoded
      {"/api/%2e%2e/secrets", "/secrets"},       // encoded dots are dots
      {"/api/core/%2E%2E/%2e%2E/secrets", "/secrets"},
      {"/x/%7euser", "/x/~user"},
      {"/x/a%20b", "/x/a%20b"},                  // reserved/other escapes kept
      {"/x/a%3fb", "/x/a%3Fb"},                  // upper-case hex
      {"/x/caf%C3%A9", "/x/caf%C3%A9"},
      {"/..", nullptr},                          // above the root
      {"/../etc/passwd", nullptr},
      {"/a/../../b", nullptr},
      {"/%2e%2e/x", nullptr},
      {"/api/core%2Fsecrets", nullptr},          // encoded slash
      {"/api/core%2fsecrets", nullptr},
      {"/api/core%5Csecrets", nullptr},          // encoded backslash
      {"/api\\core", nullptr},
      {"/a%00b", nullptr},
      {"/a%0Ab", nullptr},
      {"/a%zz", nullptr},
      {"/a%4", nullptr},
      {"/a%", nullptr},
      {"", nullptr},
      {"api/core", nullptr},
      {"http://evil/api", nullptr},
      {"/a b", nullptr},
      {"/a\x7f", nullptr},
  };
  for (const auto& c : cases) {
    auto r = normalize_path(c.in);
    if (c.out == nullptr) {
      EXPECT_FALSE(r.ok()) << "accepted " << c.in << " as " << (r.ok() ? *r : "");
    } else {
      ASSERT_TRUE(r.ok()) << c.in << ": " << r.error().message();
      EXPECT_EQ(*r, c.out) << c.in;
    }
  }
}

TEST(PathNormalizer, IsIdempotent) {
  for (const char* p : {"/a//b/./c/../d/", "/%7e/%41", "/x/%20y"}) {
    auto once = normalize_path(p);
    ASSERT_TRUE(once.ok());
    auto twice = normalize_path(*once);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*once, *twice);
  }
}

TEST(PathNormalizer, RejectsHugePaths) {
  std::string p = "/" + std::string(10000, 'a');
  EXPECT_FALSE(normalize_path(p).ok());
  std::string dots = "/";
  for (int i = 0; i < 1000; ++i) dots += "a/../";
  auto r = normalize_path(dots);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "/");
}

}  // namespace
}  // namespace dts::gateway
