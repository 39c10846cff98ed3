#include "identity/cognito/list_filter.hpp"

#include <gtest/gtest.h>

namespace dts::identity::cognito {
namespace {

TEST(ListFilter, ParsesCognitoSyntax) {
  auto f = parse_list_filter("username = \"Alice\"");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->attribute, "username");
  EXPECT_FALSE(f->prefix);
  EXPECT_EQ(f->value, "alice");  // normalized like the stored key
  f = parse_list_filter("email^=\"ALI\"");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->prefix);
  EXPECT_EQ(f->value, "ali");
  f = parse_list_filter("name = \"O\\\"Brien\"");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->value, "O\"Brien");
  f = parse_list_filter("cognito:user_status = \"UNCONFIRMED\"");
  ASSERT_TRUE(f.ok());
  f = parse_list_filter("");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->attribute.empty());
}

TEST(ListFilter, RejectsEverythingElse) {
  for (const char* bad : {"custom:tenant_id = \"t\"", "username", "username = alice",
                          "username = \"alice", "username = \"a\" OR 1=1", "username ~ \"a\"",
                          "password = \"x\"", "username = \"a b\""}) {
    EXPECT_FALSE(parse_list_filter(bad).ok()) << bad;
  }
  EXPECT_FALSE(parse_list_filter(std::string(300, 'a')).ok());
}

}  // namespace
}  // namespace dts::identity::cognito
