#include "gateway/static_site.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/gzip.hpp"

namespace fs = std::filesystem;

namespace dts::gateway {
namespace {

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("dts-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "dist/assets");
    write("dist/index.html", "<!doctype html><title>app</title>");
    write("dist/assets/index-3f9a2b7c.js", std::string(5000, 'x'));  // compressible, hashed
    write("dist/favicon.ico", "ico");
    write("secret.txt", "outside the root");
    fs::create_symlink(root_ / "secret.txt", root_ / "dist/leak.txt");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& data) {
    std::ofstream(root_ / rel, std::ios::binary) << data;
  }
  http::Response get(StaticSite& site, const std::string& path, http::Headers h = {},
                     std::string method = "GET") {
    http::Request req;
    req.method = method;
    req.path = path;
    req.headers = h;
    req.request_id = "rid";
    return site.serve(req, path);
  }
  fs::path root_;
};

TEST_F(StaticSiteTest, ServesFilesWithTypesAndCaching) {
  StaticSite site(root_ / "dist");
  auto index = get(site, "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.headers.get("Cache-Control"), "no-cache");
  auto js = get(site, "/assets/index-3f9a2b7c.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.body.size(), 5000u);
  EXPECT_EQ(get(site, "/favicon.ico").headers.get("Content-Type"), "image/x-icon");
}

TEST_F(StaticSiteTest, SpaFallbackForRoutesNotForAssets) {
  StaticSite site(root_ / "dist");
  auto route = get(site, "/datasets/42");
  EXPECT_EQ(route.status, 200u);
  EXPECT_NE(route.body.find("<title>app"), std::string::npos);
  EXPECT_EQ(route.headers.get("Cache-Control"), "no-cache");
  EXPECT_EQ(get(site, "/assets/missing-12345678.js").status, 404u);
}

TEST_F(StaticSiteTest, ETagRevalidation) {
  StaticSite site(root_ / "dist");
  auto first = get(site, "/assets/index-3f9a2b7c.js");
  std::string etag(first.headers.get("ETag"));
  ASSERT_FALSE(etag.empty());
  http::Headers h;
  h.set("If-None-Match", etag);
  auto again = get(site, "/assets/index-3f9a2b7c.js", h);
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  h.set("If-None-Match", "\"other\"");
  EXPECT_EQ(get(site, "/assets/index-3f9a2b7c.js", h).status, 200u);
}

TEST_F(StaticSiteTest, GzipWhenAccepted) {
  StaticSite site(root_ / "dist");
  http::Headers h;
  h.set("Accept-Encoding", "br, gzip");
  auto gz = get(site, "/assets/index-3f9a2b7c.js", h);
  EXPECT_EQ(gz.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.headers.get("Vary"), "Accept-Encoding");
  auto plain = gzip_decompress(gz.body, 1 << 20);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, std::string(5000, 'x'));
  h.set("Accept-Encoding", "gzip;q=0");
  EXPECT_EQ(get(site, "/assets/index-3f9a2b7c.js", h).headers.get("Content-Encoding"), "");
  // A precompressed sibling wins.
  write("dist/assets/index-3f9a2b7c.js.gz", *gzip_compress("precompressed" + std::string(2000, 'p')));
  h.set("Accept-Encoding", "gzip");
  auto pre = get(site, "/assets/index-3f9a2b7c.js", h);
  EXPECT_EQ(gzip_decompress(pre.body, 1 << 20)->substr(0, 13), "precompressed");
}

TEST_F(StaticSiteTest, NothingOutsideTheRoot) {
  StaticSite site(root_ / "dist");
  EXPECT_EQ(get(site, "/leak.txt").status, 404u);  // a symlink pointing out
  EXPECT_EQ(get(site, "/x", {}, "POST").status, 405u);
}

TEST_F(StaticSiteTest, MissingBuild) {
  StaticSite site(root_ / "nowhere");
  EXPECT_EQ(get(site, "/").status, 404u);
  EXPECT_EQ(get(site, "/datasets").status, 404u);
}

TEST(StaticNames, HashedAssets) {
  EXPECT_TRUE(is_hashed_asset("index-3f9a2b7c.js"));
  EXPECT_TRUE(is_hashed_asset("vendor.a1b2c3d4.css"));
  EXPECT_FALSE(is_hashed_asset("index.js"));
  EXPECT_FALSE(is_hashed_asset("my-component.js"));
  EXPECT_FALSE(is_hashed_asset("favicon.ico"));
}

TEST(Gzip, RoundTripAndBombGuard) {
  std::string data(100000, 'z');
  auto gz = gzip_compress(data);
  ASSERT_TRUE(gz.has_value());
  EXPECT_LT(gz->size(), 1000u);
  EXPECT_EQ(*gzip_decompress(*gz, 200000), data);
  EXPECT_FALSE(gzip_decompress(*gz, 1000).has_value());
  EXPECT_FALSE(gzip_decompress("not gzip", 1000).has_value());
  EXPECT_FALSE(gzip_decompress(gz->substr(0, gz->size() / 2), 200000).has_value());
}

}  // namespace
}  // namespace dts::gateway
