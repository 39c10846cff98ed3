#include "common/http/router.hpp"

#include <gtest/gtest.h>

namespace dts::http {
namespace {

Handler tag(std::string) {
  return [](Request&) -> boost::asio::awaitable<Result<Response>> { co_return Response{}; };
}

TEST(Router, LiteralBeatsParameterRegardlessOfOrder) {
  Router r;
  r.add("GET", "/datasets/{id}", tag("param"));
  r.add("GET", "/datasets/export", tag("literal"));
  auto m = r.match("GET", "/datasets/export");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.route, "/datasets/export");
  m = r.match("GET", "/datasets/42");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.route, "/datasets/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "42");
}

TEST(Router, ParametersAreDecodedAfterMatchingSoEncodedSlashDoesNotSplit) {
  Router r;
  r.add("GET", "/files/{name}", tag("f"));
  auto m = r.match("GET", "/files/a%2Fb");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "a/b");
  EXPECT_EQ(r.match("GET", "/files/a/b").handler, nullptr);
  auto bad = r.match("GET", "/files/%zz");
  EXPECT_TRUE(bad.bad_encoding);
  EXPECT_EQ(bad.handler, nullptr);
}

TEST(Router, RestParameterTakesTheRemainder) {
  Router r;
  r.add("*", "/v1/data/{path...}", tag("data"));
  auto m = r.match("POST", "/v1/data/a/b/c");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "a/b/c");
  m = r.match("GET", "/v1/data");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "");
}

TEST(Router, MethodMismatchReportsAllow) {
  Router r;
  r.add("GET", "/x", tag("g"));
  r.add("POST", "/x", tag("p"));
  auto m = r.match("DELETE", "/x");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_matched);
  EXPECT_EQ(m.allow, "GET, POST");
  EXPECT_NE(r.match("HEAD", "/x").handler, nullptr) << "HEAD falls back to GET";
  EXPECT_FALSE(r.match("GET", "/y").path_matched);
}

TEST(Router, EmptySegmentDoesNotBindParameter) {
  Router r;
  r.add("GET", "/a/{id}", tag("a"));
  EXPECT_EQ(r.match("GET", "/a/").handler, nullptr);
}

TEST(RouterDeathTest, DuplicateRouteAborts) {
  Router r;
  r.add("GET", "/x", tag("1"));
  EXPECT_DEATH(r.add("GET", "/x", tag("2")), "duplicate route");
}

}  // namespace
}  // namespace dts::http
