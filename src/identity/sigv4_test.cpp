#include "identity/sigv4.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "identity/codes.hpp"
#include "identity/faults.hpp"

namespace dts::identity {
namespace {

// AWS General Reference, "Signature Version 4 signing process" worked example (IAM
// ListUsers, 2015-08-30T12:36:00Z, key AKIDEXAMPLE).
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kExampleSignature =
    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

std::chrono::system_clock::time_point at(int year, int mon, int day, int h, int m, int s) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

http::Request iam_example() {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers.add("Host", "iam.amazonaws.com");
  r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.headers.add("X-Amz-Date", "20150830T123600Z");
  r.headers.add("Authorization",
                std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
                            "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=") +
                    kExampleSignature);
  return r;
}

SigV4Options iam() {
  SigV4Options o;
  o.service = "iam";
  return o;
}

const SigV4Credentials kCreds{"AKIDEXAMPLE", kSecret};
const auto kWhen = at(2015, 8, 30, 12, 36, 0);

std::string type_of(const Result<SigV4Principal>& r) {
  return r.ok() ? "ok" : std::string(fault_type(r.error()));
}

TEST(SigV4, AwsDocumentedExampleCanonicalRequestAndSignature) {
  http::Request r = iam_example();
  std::string canonical =
      sigv4_canonical_request(r, "content-type;host;x-amz-date", sha256_hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(canonical),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  std::string to_sign =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
  EXPECT_EQ(sigv4_signature(kSecret, "20150830", "us-east-1", "iam", to_sign), kExampleSignature);
}

TEST(SigV4, VerifiesTheDocumentedRequest) {
  auto p = verify_sigv4(iam_example(), kCreds, iam(), kWhen + std::chrono::seconds(30));
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(p->region, "us-east-1");
}

TEST(SigV4, RejectsTampering) {
  {
    http::Request r = iam_example();
    r.query = "Action=DeleteUser&Version=2010-05-08";
    EXPECT_EQ(type_of(verify_sigv4(r, kCreds, iam(), kWhen)), kInvalidSignature);
  }
  {
    http::Request r = iam_example();
    r.body = "x";
    EXPECT_EQ(type_of(verify_sigv4(r, kCreds, iam(), kWhen)), kInvalidSignature);
  }
  {
    http::Request r = iam_example();
    r.headers.set("Host", "evil.example");
    EXPECT_EQ(type_of(verify_sigv4(r, kCreds, iam(), kWhen)), kInvalidSignature);
  }
  SigV4Credentials wrong_secret{"AKIDEXAMPLE", "not-the-secret"};
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), wrong_secret, iam(), kWhen)), kInvalidSignature);
  SigV4Credentials other_key{"AKIDOTHER", kSecret};
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), other_key, iam(), kWhen)), kUnrecognizedClient);
  SigV4Credentials none{"", ""};
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), none, iam(), kWhen)), kUnrecognizedClient);
  // Signed for iam, presented to cognito-idp.
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), kCreds, SigV4Options{}, kWhen)), kIncompleteSignature);
}

TEST(SigV4, ClockSkewIsBounded) {
  EXPECT_TRUE(verify_sigv4(iam_example(), kCreds, iam(), kWhen + std::chrono::seconds(299)).ok());
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), kCreds, iam(), kWhen + std::chrono::seconds(301))),
            kInvalidSignature);
  EXPECT_EQ(type_of(verify_sigv4(iam_example(), kCreds, iam(), kWhen - std::chrono::seconds(301))),
            kInvalidSignature);
}

TEST(SigV4, MalformedHeadersAreIncompleteNotCrashes) {
  const char* bad[] = {
      "",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA1 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam, SignedHeaders=host;x-amz-date, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date;host, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date;x-missing, Signature=00",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
  };
  for (const char* h : bad) {
    http::Request r = iam_example();
    r.headers.set("Authorization", h);
    auto result = verify_sigv4(r, kCreds, iam(), kWhen);
    EXPECT_FALSE(result.ok()) << h;
  }
  http::Request no_auth = iam_example();
  no_auth.headers.remove("Authorization");
  EXPECT_EQ(type_of(verify_sigv4(no_auth, kCreds, iam(), kWhen)), kMissingAuthToken);
  http::Request bad_date = iam_example();
  bad_date.headers.set("X-Amz-Date", "2015-08-30T12:36:00Z");
  EXPECT_EQ(type_of(verify_sigv4(bad_date, kCreds, iam(), kWhen)), kIncompleteSignature);
  http::Request huge = iam_example();
  huge.headers.set("Authorization", "AWS4-HMAC-SHA256 " + std::string(10000, 'A'));
  EXPECT_EQ(type_of(verify_sigv4(huge, kCreds, iam(), kWhen)), kIncompleteSignature);
}

// A POST as the aws CLI sends it to Cognito, signed here with the same algorithm.
TEST(SigV4, CognitoPostRoundTrip) {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.body = R"({"UserPoolId":"us-east-1_X","Username":"alice"})";
  r.headers.add("Host", "127.0.0.1:9001");
  r.headers.add("Content-Type", "application/x-amz-json-1.1");
  r.headers.add("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser");
  r.headers.add("X-Amz-Date", "20261126T031500Z");
  std::string signed_headers = "content-type;host;x-amz-date;x-amz-target";
  std::string canonical = sigv4_canonical_request(r, signed_headers, sha256_hex(r.body));
  std::string to_sign = "AWS4-HMAC-SHA256\n20261126T031500Z\n20261126/us-east-1/cognito-idp/aws4_request\n" +
                        sha256_hex(canonical);
  std::string sig = sigv4_signature("s3cr3t", "20261126", "us-east-1", "cognito-idp", to_sign);
  r.headers.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261126/us-east-1/cognito-idp/aws4_request, SignedHeaders=" +
                                     signed_headers + ", Signature=" + sig);
  SigV4Credentials creds{"AKIDLOCAL", "s3cr3t"};
  auto when = at(2026, 11, 26, 3, 15, 0);
  EXPECT_TRUE(verify_sigv4(r, creds, SigV4Options{}, when).ok());
  r.headers.set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser");
  EXPECT_EQ(type_of(verify_sigv4(r, creds, SigV4Options{}, when)), kInvalidSignature);
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(aws_uri_encode("a b/c~d", true), "a%20b%2Fc~d");
  EXPECT_EQ(aws_uri_encode("a b/c", false), "a%20b/c");
  EXPECT_EQ(aws_uri_encode("\xC3\xA9", true), "%C3%A9");
}

}  // namespace
}  // namespace dts::identity
