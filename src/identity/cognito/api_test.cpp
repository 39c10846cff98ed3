// The Cognito JSON API in process (real HTTP server, real PostgreSQL): hostile and
// malformed requests to every action answer with Cognito's error shape, never crash and
// never leak internals; admin actions need a valid SigV4 signature.

#include "identity/cognito/api.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "common/http/testing/raw_socket.hpp"
#include "common/http/testing/test_server.hpp"
#include "common/pg/blocking.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/testing.hpp"
#include "identity/bootstrap.hpp"
#include "identity/codes.hpp"
#include "identity/cognito/action.hpp"
#include "identity/test_keys.hpp"

namespace dts::identity::cognito {
namespace {

constexpr const char* kKeyId = "AKIDAPITEST";
constexpr const char* kSecret = "api-test-secret";

http::ServerOptions server_options() {
  http::ServerOptions o = http::testing::TestServer::small_options();
  o.max_body_bytes = 1 << 20;
  o.max_header_bytes = 16 * 1024;
  return o;
}

class Harness {
 public:
  Harness()
      : db_(migrate()),
        server_(server_options()),
        pool_(server_.server().executor(), pg::PoolOptions{.conninfo = db_, .max_size = 4}),
        store_(pool_),
        passwords_(Argon2Params{1, 64 * 1024}, 1),
        issuer_([](std::string_view p) { return "http://127.0.0.1/" + std::string(p); }),
        accounts_(store_, passwords_, issuer_, [](CodeMessage) -> Task<Status> { co_return ok_status(); },
                  AccountsOptions{}) {
    identity::testing::install_shared_key(issuer_);
    std::string db = db_;
    Status boot = pg::block_on([db](pg::Executor ex) -> pg::Awaitable<Status> {
      pg::Pool pool(ex, pg::PoolOptions{.conninfo = db, .max_size = 1});
      Store store(pool);
      Config c;
      c.default_groups = {"admin:0"};
      co_return co_await bootstrap_defaults(store, c);
    });
    EXPECT_TRUE(boot.ok());
    ApiOptions options;
    options.admin = SigV4Credentials{kKeyId, kSecret};
    add_routes(server_.router(), accounts_, options);
    port_ = server_.start();
  }
  ~Harness() { server_.stop_and_join(); }

  uint16_t port() const { return port_; }

 private:
  static std::string migrate() {
    std::string db = pg::testing::fresh_database();
    auto r = pg::migrate(db, std::string(DTS_SOURCE_DIR) + "/migrations", "identity");
    EXPECT_TRUE(r.ok());
    return db;
  }

  std::string db_;
  http::testing::TestServer server_;
  pg::Pool pool_;
  Store store_;
  PasswordWorker passwords_;
  TokenIssuer issuer_;
  Accounts accounts_;
  uint16_t port_ = 0;
};

std::string post(uint16_t port, const std::string& target, const std::string& body,
                 const std::string& extra_headers = "") {
  http::testing::RawSocket s(port);
  s.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
         "X-Amz-Target: AWSCognitoIdentityProviderService." + target + "\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  return s.read_responses(1);
}

std::string amz_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Signs as an AWS SDK does (content-type;host;x-amz-date;x-amz-target).
std::string signed_headers_for(const std::string& target, const std::string& body,
                               const std::string& secret) {
  std::string date = amz_now();
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.body = body;
  r.headers.add("Content-Type", "application/x-amz-json-1.1");
  r.headers.add("Host", "127.0.0.1");
  r.headers.add("X-Amz-Date", date);
  r.headers.add("X-Amz-Target", "AWSCognitoIdentityProviderService." + target);
  std::string names = "content-type;host;x-amz-date;x-amz-target";
  std::string canonical = sigv4_canonical_request(r, names, sha256_hex(body));
  std::string scope = date.substr(0, 8) + "/us-east-1/cognito-idp/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string sig = sigv4_signature(secret, date.substr(0, 8), "us-east-1", "cognito-idp", to_sign);
  return "X-Amz-Date: " + date + "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=" + kKeyId + "/" +
         scope + ", SignedHeaders=" + names + ", Signature=" + sig + "\r\n";
}

TEST(CognitoApi, HostileBodiesGetCognitoErrorsNeverInternalOnes) {
  Harness h;
  std::string deep(200, '[');
  std::vector<std::string> bodies = {
      "", "{}", "[]", "null", "\"x\"", "{\"ClientId\":", "{\"ClientId\":{}}",
      "{\"ClientId\":\"dtslocalspaclient\",\"Username\":123}",
      "{\"ClientId\":\"dtslocalspaclient\",\"Username\":\"a\\u0000b\",\"Password\":\"x\"}",
      "{\"ClientId\":\"dtslocalspaclient\",\"Username\":\"\xff\xfe\",\"Password\":\"x\"}",
      "{\"ClientId\":\"dtslocalspaclient\",\"Username\":\"" + std::string(5000, 'u') + "\"}",
      "{\"ClientId\":\"' OR '1'='1\",\"Username\":\"x\",\"Password\":\"Passw0rd!\"}",
      "{\"UserPoolId\":\"us-east-1_DTSlocal\",\"Username\":\"\\u202eadmin\"}",
      "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"dtslocalspaclient\",\"AuthParameters\":[]}",
      "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"dtslocalspaclient\",\"AuthParameters\":{\"USERNAME\":{}}}",
      "{\"AccessToken\":\"a.b.c\"}", "{\"AccessToken\":\"" + std::string(20000, 'A') + "\"}",
      "{\"UserPoolId\":\"us-east-1_DTSlocal\",\"Limit\":-1}",
      "{\"UserPoolId\":\"us-east-1_DTSlocal\",\"Limit\":1e400}",
      "{\"UserPoolId\":\"us-east-1_DTSlocal\",\"Filter\":\"username = \\\"a\",\"PaginationToken\":\"!!\"}",
      "{\"UserAttributes\":[{\"Name\":\"email\"},{\"Name\":5}],\"ClientId\":\"dtslocalspaclient\",\"Username\":\"x\",\"Password\":\"Passw0rd!\"}",
      deep, "{\"a\":1,\"a\":2}", "{\"x\":\"" + std::string(100000, 'x') + "\"}"};
  std::vector<std::string> actions;
  for (const auto& a : user_actions()) actions.emplace_back(a.name);
  for (const auto& a : admin_actions()) actions.emplace_back(a.name);
  int checked = 0;
  for (const auto& action : actions) {
    for (const auto& body : bodies) {
      std::string reply = post(h.port(), action, body);
      int status = http::testing::first_status(reply);
      ASSERT_TRUE(status == 400 || status == 200) << action << " " << body.substr(0, 80) << "\n" << reply;
      if (status == 400) {
        EXPECT_NE(reply.find("\"__type\":\""), std::string::npos) << reply;
        EXPECT_NE(reply.find("x-amzn-ErrorType"), std::string::npos) << reply;
      }
      EXPECT_EQ(reply.find("InternalErrorException"), std::string::npos)
          << action << " " << body.substr(0, 80) << "\n" << reply;
      EXPECT_EQ(reply.find("SQLSTATE"), std::string::npos) << reply;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 23 * static_cast<int>(bodies.size()));
  // Not Cognito at all.
  EXPECT_NE(post(h.port(), "Nope", "{}").find("UnknownOperationException"), std::string::npos);
  http::testing::RawSocket s(h.port());
  s.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nX-Amz-Target: "
         "AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_NE(s.read_responses(1).find("SerializationException"), std::string::npos);
}

TEST(CognitoApi, AdminActionsNeedAValidSignature) {
  Harness h;
  std::string body = R"({"UserPoolId":"us-east-1_DTSlocal","Username":"nobody"})";
  EXPECT_NE(post(h.port(), "AdminGetUser", body).find("MissingAuthenticationTokenException"),
            std::string::npos);
  std::string good = post(h.port(), "AdminGetUser", body, signed_headers_for("AdminGetUser", body, kSecret));
  EXPECT_NE(good.find("UserNotFoundException"), std::string::npos) << good;
  std::string forged = post(h.port(), "AdminGetUser", body, signed_headers_for("AdminGetUser", body, "guess"));
  EXPECT_NE(forged.find("InvalidSignatureException"), std::string::npos) << forged;
  // A signature for one action does not authorize another (x-amz-target is signed).
  std::string replayed = post(h.port(), "AdminDeleteUser", body, signed_headers_for("AdminGetUser", body, kSecret));
  EXPECT_NE(replayed.find("InvalidSignatureException"), std::string::npos) << replayed;
  std::string create = R"({"UserPoolId":"us-east-1_DTSlocal","GroupName":"ops","Precedence":3})";
  std::string created = post(h.port(), "CreateGroup", create, signed_headers_for("CreateGroup", create, kSecret));
  EXPECT_EQ(http::testing::first_status(created), 200) << created;
  EXPECT_NE(created.find("\"GroupName\":\"ops\""), std::string::npos) << created;
  std::string again = post(h.port(), "CreateGroup", create, signed_headers_for("CreateGroup", create, kSecret));
  EXPECT_NE(again.find("GroupExistsException"), std::string::npos) << again;
}

}  // namespace
}  // namespace dts::identity::cognito
