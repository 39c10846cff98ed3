#include "identity/oauth/client_auth.hpp"

#include <gtest/gtest.h>

#include "jwt/base64.hpp"

namespace dts::identity::oauth {
namespace {

AppClient confidential() {
  AppClient c;
  c.id = "svc";
  c.secret = "s3cr3t/+=";
  return c;
}

std::string basic(std::string_view id, std::string_view secret) {
  return "Basic " + jwt::base64_encode(std::string(id) + ":" + std::string(secret));
}

TEST(ClientAuth, SecretBasic) {
  // §2.3.1: the secret is form-urlencoded before base64.
  auto c = read_client_credentials(basic("svc", "s3cr3t%2F%2B%3D"), {});
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_TRUE(c->via_basic);
  EXPECT_EQ(c->client_id, "svc");
  EXPECT_TRUE(authenticate_client(confidential(), *c).ok());
  EXPECT_FALSE(authenticate_client(confidential(), *read_client_credentials(basic("svc", "nope"), {})).ok());
}

TEST(ClientAuth, SecretPost) {
  auto c = read_client_credentials("", {{"client_id", "svc"}, {"client_secret", "s3cr3t/+="}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->via_basic);
  EXPECT_TRUE(authenticate_client(confidential(), *c).ok());
  auto wrong = read_client_credentials("", {{"client_id", "svc"}, {"client_secret", "s3cr3t/+"}});
  EXPECT_EQ(authenticate_client(confidential(), *wrong).error().code(), Code::kUnauthenticated);
  auto none = read_client_credentials("", {{"client_id", "svc"}});
  EXPECT_FALSE(authenticate_client(confidential(), *none).ok());
}

TEST(ClientAuth, PublicClient) {
  AppClient spa;
  spa.id = "spa";
  auto c = read_client_credentials("", {{"client_id", "spa"}});
  EXPECT_TRUE(authenticate_client(spa, *c).ok());
  auto with_secret = read_client_credentials("", {{"client_id", "spa"}, {"client_secret", "x"}});
  EXPECT_FALSE(authenticate_client(spa, *with_secret).ok());
}

TEST(ClientAuth, MalformedAndConflicting) {
  EXPECT_FALSE(read_client_credentials("", {}).ok());
  EXPECT_FALSE(read_client_credentials("Bearer abc", {}).ok());
  EXPECT_FALSE(read_client_credentials("Basic !!!", {}).ok());
  EXPECT_FALSE(read_client_credentials("Basic " + jwt::base64_encode("nocolon"), {}).ok());
  EXPECT_FALSE(read_client_credentials("Basic " + jwt::base64_encode(":secret"), {}).ok());
  EXPECT_FALSE(read_client_credentials("Basic " + std::string(5000, 'A'), {}).ok());
  // Two methods at once.
  EXPECT_FALSE(read_client_credentials(basic("svc", "a"), {{"client_secret", "a"}}).ok());
  EXPECT_FALSE(read_client_credentials(basic("svc", "a"), {{"client_id", "other"}}).ok());
  EXPECT_TRUE(read_client_credentials(basic("svc", "a"), {{"client_id", "svc"}}).ok());
  // Credentials for one client never authenticate another.
  auto c = read_client_credentials(basic("other", "s3cr3t/+="), {});
  EXPECT_FALSE(authenticate_client(confidential(), *c).ok());
}

}  // namespace
}  // namespace dts::identity::oauth
