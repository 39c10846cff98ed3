// Identity end to end: `dts up` runs the identity service on its own PostgreSQL, and Debian's
// aws CLI (/usr/bin/aws cognito-idp ...) drives it as it would drive Amazon Cognito: sign-up,
// confirmation with the code from the dev mailbox, sign-in, refresh, admin actions (SigV4),
// groups, disable, global sign-out; plus the bad paths (wrong password vs unknown user,
// replayed codes, bad signatures, oversized and malformed requests, concurrent sign-ups).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "cli/child_process.hpp"
#include "common/http/testing/raw_socket.hpp"
#include "common/http/testing/test_server.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace dts::cli {
namespace {

constexpr const char* kAws = "/usr/bin/aws";
constexpr const char* kAccessKey = "AKIDDTSE2ETEST";
constexpr const char* kSecretKey = "e2e-secret-key-not-for-production";
constexpr const char* kClientId = "dtslocalspaclient";
constexpr const char* kPoolId = "us-east-1_DTSlocal";

struct Output {
  int status = -1;  // exit code
  std::string text; // stdout + stderr
  double millis = 0;
};

// Runs a program to completion, collecting its output.
Output run(const std::string& program, const std::vector<std::string>& args,
           const std::map<std::string, std::string>& env) {
  auto start = std::chrono::steady_clock::now();
  auto child = ChildProcess::spawn(ChildSpec{program, args, env, SIGKILL});
  Output out;
  if (!child.ok()) {
    out.text = child.error().to_string();
    return out;
  }
  while (true) {
    auto lines = child->read_lines();
    if (lines) {
      for (auto& l : *lines) out.text += l + "\n";
    }
    if (auto st = child->try_wait()) {
      while (auto more = child->read_lines()) {
        if (more->empty()) break;
        for (auto& l : *more) out.text += l + "\n";
      }
      out.status = WIFEXITED(*st) ? WEXITSTATUS(*st) : 128 + WTERMSIG(*st);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  out.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

class IdentityStack {
 public:
  explicit IdentityStack(const std::map<std::string, std::string>& extra_env = {}) {
    home_ = fs::temp_directory_path() / ("dts-id-" + std::to_string(getpid()));
    fs::remove_all(home_);
    fs::create_directories(home_ / "awshome");
    std::mt19937 rng(static_cast<unsigned>(getpid()));
    offset_ = 20000 + static_cast<int>(rng() % 20000);
    port_ = static_cast<uint16_t>(9001 + offset_);
    ChildSpec spec;
    spec.program = DTS_BINARY;
    spec.args = {"up"};
    spec.env = {{"PATH", "/usr/bin:/bin"},
                {"DTS_HOME", home_.string()},
                {"DTS_ROOT", DTS_SOURCE_DIR},
                {"DTS_SERVICES", "identity"},
                {"DTS_PORT_OFFSET", std::to_string(offset_)},
                {"NO_COLOR", "1"},
                {"DTS_IDENTITY_IDENTITY_ADMIN_ACCESS_KEY_ID", kAccessKey},
                {"DTS_IDENTITY_IDENTITY_ADMIN_SECRET_ACCESS_KEY", kSecretKey},
                {"DTS_IDENTITY_IDENTITY_MAX_FAILED_PER_USER", "4"},
                {"DTS_IDENTITY_IDENTITY_RESET_CODE_TTL", "2s"},
                {"DTS_IDENTITY_IDENTITY_ISSUER_BASE", "http://127.0.0.1:" + std::to_string(port_)}};
    for (const auto& [k, v] : extra_env) spec.env[k] = v;
    auto child = ChildProcess::spawn(spec);
    EXPECT_TRUE(child.ok());
    process_.emplace(std::move(child).value());
    drainer_ = std::thread([this] {
      while (!stop_) {
        {
          std::lock_guard lock(mutex_);
          auto lines = process_->read_lines();
          if (lines) {
            for (const auto& l : *lines) log_ += l + "\n";
          }
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }

  ~IdentityStack() {
    stop_ = true;
    drainer_.join();
    process_->signal(SIGINT);
    for (int i = 0; i < 3000 && !process_->try_wait(); ++i) {
      process_->read_lines();
      std::this_thread::sleep_for(10ms);
    }
    if (!process_->exited()) process_->signal(SIGKILL);
    fs::remove_all(home_);
  }

  bool wait_for(const std::string& text, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string log() {
    std::lock_guard lock(mutex_);
    return log_;
  }

  std::map<std::string, std::string> aws_env(const std::string& key = kAccessKey,
                                             const std::string& secret = kSecretKey) const {
    return {{"PATH", "/usr/bin:/bin"},
            {"HOME", (home_ / "awshome").string()},
            {"AWS_ACCESS_KEY_ID", key},
            {"AWS_SECRET_ACCESS_KEY", secret},
            {"AWS_DEFAULT_REGION", "us-east-1"},
            {"AWS_CONFIG_FILE", (home_ / "awshome/none").string()},
            {"AWS_SHARED_CREDENTIALS_FILE", (home_ / "awshome/none").string()},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_MAX_ATTEMPTS", "1"},
            {"AWS_PAGER", ""}};
  }

  // aws cognito-idp <args...> against this stack.
  Output aws(std::vector<std::string> args, const std::map<std::string, std::string>& env) const {
    args.insert(args.begin(), "cognito-idp");
    for (const char* a : {"--endpoint-url", "", "--region", "us-east-1", "--output", "json"}) {
      args.emplace_back(a);
    }
    args[args.size() - 5] = "http://127.0.0.1:" + std::to_string(port_);
    return run(kAws, args, env);
  }
  Output aws(std::vector<std::string> args) const { return aws(std::move(args), aws_env()); }

  // The newest code the dev mailbox holds for `username` and `purpose`.
  std::string mailbox_code(const std::string& username, const std::string& purpose) const {
    Output o = run(DTS_BINARY, {"identity", "mailbox", "--json", "-n", "200"},
                   {{"PATH", "/usr/bin:/bin"}, {"DTS_HOME", home_.string()}});
    EXPECT_EQ(o.status, 0) << o.text;
    std::string code;
    size_t pos = 0;
    while (pos < o.text.size()) {
      size_t nl = o.text.find('\n', pos);
      std::string line = o.text.substr(pos, nl - pos);
      pos = nl == std::string::npos ? o.text.size() : nl + 1;
      boost::system::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;
      const auto& m = v.as_object();
      if (m.at("username").as_string() == username && m.at("purpose").as_string() == purpose) {
        code = std::string(m.at("code").as_string());
      }
    }
    return code;
  }

  uint16_t port() const { return port_; }

 private:
  fs::path home_;
  int offset_ = 0;
  uint16_t port_ = 0;
  std::optional<ChildProcess> process_;
  std::thread drainer_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string log_;
};

boost::json::object json_of(const Output& o) {
  boost::system::error_code ec;
  auto v = boost::json::parse(o.text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::string str(const boost::json::object& o, std::initializer_list<const char*> path) {
  const boost::json::value* v = nullptr;
  const boost::json::object* cur = &o;
  for (const char* p : path) {
    v = cur->if_contains(p);
    if (v == nullptr) return {};
    if (v->is_object()) cur = &v->as_object();
  }
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The aws CLI prints "An error occurred (<Type>) when calling the <Op> operation: <message>".
std::string error_type(const Output& o) {
  size_t open = o.text.find("An error occurred (");
  if (open == std::string::npos) return "none";
  size_t close = o.text.find(')', open);
  return o.text.substr(open + 19, close - open - 19);
}
std::string error_message(const Output& o) {
  size_t colon = o.text.find("operation: ");
  return colon == std::string::npos ? std::string() : o.text.substr(colon + 11);
}

std::string raw_post(uint16_t port, const std::string& target, const std::string& body,
                     const std::string& content_type = "application/x-amz-json-1.1") {
  http::testing::RawSocket s(port);
  s.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
         "\r\nX-Amz-Target: AWSCognitoIdentityProviderService." + target +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  return s.read_responses(1);
}

TEST(IdentityE2E, AwsCliDrivesTheCognitoApi) {
  ASSERT_TRUE(fs::exists(kAws)) << "Debian's awscli is required (make test installs it)";
  IdentityStack stack;
  ASSERT_TRUE(stack.wait_for("all services ready", 180s)) << stack.log();

  // ---- sign-up and confirmation ---------------------------------------------------------
  Output up = stack.aws({"sign-up", "--client-id", kClientId, "--username", "Alice", "--password",
                         "Passw0rd!", "--user-attributes", "Name=email,Value=alice@example.com"});
  ASSERT_EQ(up.status, 0) << up.text;
  auto upj = json_of(up);
  EXPECT_EQ(upj.at("UserConfirmed").as_bool(), false);
  EXPECT_EQ(str(upj, {"CodeDeliveryDetails", "Destination"}), "a***@e***.com");
  EXPECT_EQ(up.text.find("\"code\""), std::string::npos);  // never in the response
  std::string code = stack.mailbox_code("Alice", "confirm_sign_up");
  ASSERT_EQ(code.size(), 6u) << stack.log();
  EXPECT_NE(stack.log().find("dev mailbox: message delivered"), std::string::npos);

  Output dup = stack.aws({"sign-up", "--client-id", kClientId, "--username", "ALICE", "--password",
                          "Passw0rd!", "--user-attributes", "Name=email,Value=x@example.com"});
  EXPECT_EQ(error_type(dup), "UsernameExistsException") << dup.text;
  Output weak = stack.aws({"sign-up", "--client-id", kClientId, "--username", "weakling",
                           "--password", "password", "--user-attributes", "Name=email,Value=w@example.com"});
  EXPECT_EQ(error_type(weak), "InvalidPasswordException") << weak.text;
  Output tenant = stack.aws({"sign-up", "--client-id", kClientId, "--username", "sneaky",
                             "--password", "Passw0rd!", "--user-attributes",
                             "Name=email,Value=s@example.com", "Name=custom:tenant_id,Value=t-1"});
  EXPECT_EQ(error_type(tenant), "NotAuthorizedException") << tenant.text;

  std::string wrong = code == "000000" ? "111111" : "000000";
  Output bad_code = stack.aws({"confirm-sign-up", "--client-id", kClientId, "--username", "alice",
                               "--confirmation-code", wrong});
  EXPECT_EQ(error_type(bad_code), "CodeMismatchException") << bad_code.text;
  Output confirmed = stack.aws({"confirm-sign-up", "--client-id", kClientId, "--username", "alice",
                                "--confirmation-code", code});
  ASSERT_EQ(confirmed.status, 0) << confirmed.text;
  Output replay = stack.aws({"confirm-sign-up", "--client-id", kClientId, "--username", "alice",
                             "--confirmation-code", code});
  EXPECT_EQ(error_type(replay), "NotAuthorizedException") << replay.text;

  // ---- sign-in: wrong password and unknown user answer alike ----------------------------
  Output signin = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                             "USER_PASSWORD_AUTH", "--auth-parameters",
                             "USERNAME=alice,PASSWORD=Passw0rd!"});
  ASSERT_EQ(signin.status, 0) << signin.text;
  auto sj = json_of(signin);
  std::string access = str(sj, {"AuthenticationResult", "AccessToken"});
  std::string refresh = str(sj, {"AuthenticationResult", "RefreshToken"});
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh.empty());
  EXPECT_FALSE(str(sj, {"AuthenticationResult", "IdToken"}).empty());
  EXPECT_EQ(str(sj, {"AuthenticationResult", "TokenType"}), "Bearer");

  Output wrong_pw = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                               "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=Wr0ng-pass"});
  Output unknown = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                              "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=nobody,PASSWORD=Wr0ng-pass"});
  EXPECT_EQ(error_type(wrong_pw), "NotAuthorizedException") << wrong_pw.text;
  EXPECT_EQ(error_type(unknown), "NotAuthorizedException") << unknown.text;
  EXPECT_EQ(error_message(wrong_pw), error_message(unknown));
  std::cout << "[ timing ] wrong password " << wrong_pw.millis << " ms, unknown user "
            << unknown.millis << " ms, success " << signin.millis << " ms (aws CLI process included)\n";

  Output me = stack.aws({"get-user", "--access-token", access});
  ASSERT_EQ(me.status, 0) << me.text;
  EXPECT_EQ(str(json_of(me), {"Username"}), "Alice");

  Output refreshed = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                                "REFRESH_TOKEN_AUTH", "--auth-parameters", "REFRESH_TOKEN=" + refresh});
  ASSERT_EQ(refreshed.status, 0) << refreshed.text;
  std::string access2 = str(json_of(refreshed), {"AuthenticationResult", "AccessToken"});
  EXPECT_FALSE(access2.empty());

  // ---- admin actions (SigV4) ------------------------------------------------------------
  Output created = stack.aws({"admin-create-user", "--user-pool-id", kPoolId, "--username", "bob",
                              "--temporary-password", "Temp-Passw0rd", "--user-attributes",
                              "Name=email,Value=bob@example.com", "Name=custom:tenant_id,Value=t-7",
                              "--message-action", "SUPPRESS"});
  ASSERT_EQ(created.status, 0) << created.text;
  EXPECT_EQ(str(json_of(created), {"User", "UserStatus"}), "FORCE_CHANGE_PASSWORD");
  Output grouped = stack.aws({"admin-add-user-to-group", "--user-pool-id", kPoolId, "--username",
                              "bob", "--group-name", "admin"});
  EXPECT_EQ(grouped.status, 0) << grouped.text;
  Output groups = stack.aws({"admin-list-groups-for-user", "--user-pool-id", kPoolId, "--username", "bob"});
  EXPECT_EQ(groups.status, 0) << groups.text;
  EXPECT_NE(groups.text.find("\"GroupName\": \"admin\""), std::string::npos) << groups.text;
  Output new_group = stack.aws({"create-group", "--user-pool-id", kPoolId, "--group-name",
                                "auditors", "--precedence", "9"});
  EXPECT_EQ(new_group.status, 0) << new_group.text;
  Output all_groups = stack.aws({"list-groups", "--user-pool-id", kPoolId});
  EXPECT_NE(all_groups.text.find("auditors"), std::string::npos) << all_groups.text;
  Output listed = stack.aws({"list-users", "--user-pool-id", kPoolId, "--filter", "username ^= \"b\""});
  ASSERT_EQ(listed.status, 0) << listed.text;
  EXPECT_NE(listed.text.find("\"Username\": \"bob\""), std::string::npos) << listed.text;
  EXPECT_EQ(listed.text.find("Alice"), std::string::npos) << listed.text;
  Output got = stack.aws({"admin-get-user", "--user-pool-id", kPoolId, "--username", "BOB"});
  EXPECT_EQ(got.status, 0) << got.text;
  EXPECT_NE(got.text.find("t-7"), std::string::npos) << got.text;

  Output challenge = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                                "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=bob,PASSWORD=Temp-Passw0rd"});
  ASSERT_EQ(challenge.status, 0) << challenge.text;
  EXPECT_EQ(str(json_of(challenge), {"ChallengeName"}), "NEW_PASSWORD_REQUIRED");
  Output answered = stack.aws({"respond-to-auth-challenge", "--client-id", kClientId,
                               "--challenge-name", "NEW_PASSWORD_REQUIRED", "--session",
                               str(json_of(challenge), {"Session"}), "--challenge-responses",
                               "USERNAME=bob,NEW_PASSWORD=B0b-new-pass"});
  EXPECT_EQ(answered.status, 0) << answered.text;
  EXPECT_FALSE(str(json_of(answered), {"AuthenticationResult", "IdToken"}).empty()) << answered.text;

  // Bad credentials on admin calls.
  Output bad_secret = stack.aws({"admin-get-user", "--user-pool-id", kPoolId, "--username", "bob"},
                                stack.aws_env(kAccessKey, "wrong-secret"));
  EXPECT_EQ(error_type(bad_secret), "InvalidSignatureException") << bad_secret.text;
  Output bad_key = stack.aws({"admin-get-user", "--user-pool-id", kPoolId, "--username", "bob"},
                             stack.aws_env("AKIDSOMEONEELSE", kSecretKey));
  EXPECT_EQ(error_type(bad_key), "UnrecognizedClientException") << bad_key.text;
  std::string unsigned_reply =
      raw_post(stack.port(), "AdminDeleteUser", R"({"UserPoolId":"us-east-1_DTSlocal","Username":"bob"})");
  EXPECT_EQ(http::testing::first_status(unsigned_reply), 400) << unsigned_reply;
  EXPECT_NE(unsigned_reply.find("MissingAuthenticationTokenException"), std::string::npos) << unsigned_reply;

  // ---- disable, global sign-out ---------------------------------------------------------
  Output disabled = stack.aws({"admin-disable-user", "--user-pool-id", kPoolId, "--username", "alice"});
  ASSERT_EQ(disabled.status, 0) << disabled.text;
  Output refused = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                              "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rd!"});
  EXPECT_EQ(error_type(refused), "NotAuthorizedException") << refused.text;
  EXPECT_NE(refused.text.find("User is disabled."), std::string::npos) << refused.text;
  Output old_token = stack.aws({"get-user", "--access-token", access2});
  EXPECT_EQ(error_type(old_token), "NotAuthorizedException") << old_token.text;
  ASSERT_EQ(stack.aws({"admin-enable-user", "--user-pool-id", kPoolId, "--username", "alice"}).status, 0);

  Output again = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                            "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rd!"});
  ASSERT_EQ(again.status, 0) << again.text;
  std::string access3 = str(json_of(again), {"AuthenticationResult", "AccessToken"});
  std::string refresh3 = str(json_of(again), {"AuthenticationResult", "RefreshToken"});
  ASSERT_EQ(stack.aws({"get-user", "--access-token", access3}).status, 0);
  Output signout = stack.aws({"global-sign-out", "--access-token", access3});
  ASSERT_EQ(signout.status, 0) << signout.text;
  Output after = stack.aws({"get-user", "--access-token", access3});
  EXPECT_EQ(error_type(after), "NotAuthorizedException") << after.text;
  Output after_refresh = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                                    "REFRESH_TOKEN_AUTH", "--auth-parameters", "REFRESH_TOKEN=" + refresh3});
  EXPECT_EQ(error_type(after_refresh), "NotAuthorizedException") << after_refresh.text;

  // ---- an expired code (forgot-password codes live 2 s in this stack) --------------------
  Output forgot = stack.aws({"forgot-password", "--client-id", kClientId, "--username", "alice"});
  ASSERT_EQ(forgot.status, 0) << forgot.text;
  EXPECT_EQ(str(json_of(forgot), {"CodeDeliveryDetails", "Destination"}), "a***@e***.com");
  std::string reset_code = stack.mailbox_code("Alice", "forgot_password");
  ASSERT_EQ(reset_code.size(), 6u) << stack.log();
  std::this_thread::sleep_for(3s);
  Output expired = stack.aws({"confirm-forgot-password", "--client-id", kClientId, "--username",
                              "alice", "--confirmation-code", reset_code, "--password", "N3w-Passw0rd!"});
  EXPECT_EQ(error_type(expired), "ExpiredCodeException") << expired.text;
  Output ghost = stack.aws({"forgot-password", "--client-id", kClientId, "--username", "ghost"});
  EXPECT_EQ(ghost.status, 0) << ghost.text;  // no enumeration: unknown users "get" a code too

  // ---- hostile input --------------------------------------------------------------------
  Output sql = stack.aws({"sign-up", "--client-id", kClientId, "--username", "o'brien\";--",
                          "--password", "Passw0rd!", "--user-attributes", "Name=email,Value=o@example.com"});
  EXPECT_EQ(sql.status, 0) << sql.text;
  Output sql_get = stack.aws({"admin-get-user", "--user-pool-id", kPoolId, "--username", "O'BRIEN\";--"});
  EXPECT_EQ(sql_get.status, 0) << sql_get.text;
  Output lookalike = stack.aws({"sign-up", "--client-id", kClientId, "--username", "\xD0\xB0lice",
                                "--password", "Passw0rd!", "--user-attributes", "Name=email,Value=l@example.com"});
  EXPECT_EQ(error_type(lookalike), "UsernameExistsException") << lookalike.text;

  std::string big_name(300, 'a');
  std::string oversized = raw_post(stack.port(), "SignUp",
      R"({"ClientId":"dtslocalspaclient","Username":")" + big_name + R"(","Password":"Passw0rd!"})");
  EXPECT_NE(oversized.find("InvalidParameterException"), std::string::npos) << oversized;
  std::string malformed = raw_post(stack.port(), "SignUp", R"({"ClientId":)");
  EXPECT_NE(malformed.find("SerializationException"), std::string::npos) << malformed;
  std::string wrong_type = raw_post(stack.port(), "SignUp", R"({"ClientId":42})");
  EXPECT_NE(wrong_type.find("SerializationException"), std::string::npos) << wrong_type;
  std::string unknown_op = raw_post(stack.port(), "DeleteEverything", "{}");
  EXPECT_NE(unknown_op.find("UnknownOperationException"), std::string::npos) << unknown_op;
  std::string huge_body = raw_post(stack.port(), "SignUp", "{\"x\":\"" + std::string(200000, 'x') + "\"}");
  EXPECT_EQ(http::testing::first_status(huge_body), 400) << huge_body.substr(0, 300);
  std::string control = raw_post(stack.port(), "InitiateAuth",
      R"({"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"dtslocalspaclient","AuthParameters":{"USERNAME":"a\u0000b","PASSWORD":"x"}})");
  EXPECT_EQ(http::testing::first_status(control), 400) << control;
  std::string bad_client = raw_post(stack.port(), "InitiateAuth",
      R"({"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"' OR 1=1 --","AuthParameters":{"USERNAME":"a","PASSWORD":"x"}})");
  EXPECT_NE(bad_client.find("ResourceNotFoundException"), std::string::npos) << bad_client;

  // ---- throttling -------------------------------------------------------------------------
  Output last;
  for (int i = 0; i < 5; ++i) {
    last = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow", "USER_PASSWORD_AUTH",
                      "--auth-parameters", "USERNAME=victim,PASSWORD=Guess-" + std::to_string(i)});
  }
  EXPECT_EQ(error_type(last), "LimitExceededException") << last.text;

  // ---- concurrent sign-ups of one name: exactly one wins -----------------------------------
  std::vector<std::thread> racers;
  std::vector<Output> results(6);
  for (int i = 0; i < 6; ++i) {
    racers.emplace_back([&, i] {
      results[i] = stack.aws({"sign-up", "--client-id", kClientId, "--username", i % 2 ? "Racer" : "rACER",
                              "--password", "Passw0rd!", "--user-attributes",
                              "Name=email,Value=r" + std::to_string(i) + "@example.com"});
    });
  }
  for (auto& t : racers) t.join();
  int wins = 0, exists = 0;
  for (const auto& r : results) {
    if (r.status == 0) ++wins;
    if (error_type(r) == "UsernameExistsException") ++exists;
  }
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(exists, 5);
}

// Trigger hooks on an HTTP server in this process: each path answers what the test set and
// records the bodies it received.
class HookServer {
 public:
  HookServer() {
    for (std::string path : {"/post-confirmation", "/pre-token"}) {
      server_.router().add("POST", path, [this, path](http::Request& req) -> boost::asio::awaitable<Result<http::Response>> {
        std::lock_guard lock(mutex_);
        seen_.push_back(path + " " + std::string(req.header("X-Dts-Trigger-Source")) + " " + req.body);
        auto [status, body] = answers_[path];
        co_return http::Response::text(body, status == 0 ? 200 : status, "application/json");
      });
    }
    server_.start();
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  void answer(const std::string& path, unsigned status, std::string body) {
    std::lock_guard lock(mutex_);
    answers_[path] = {status, std::move(body)};
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  http::testing::TestServer server_;
  std::mutex mutex_;
  std::map<std::string, std::pair<unsigned, std::string>> answers_;
  std::vector<std::string> seen_;
};

std::string jwt_payload(const std::string& token) {
  size_t a = token.find('.'), b = token.rfind('.');
  if (a == std::string::npos || b == a) return {};
  std::string part = token.substr(a + 1, b - a - 1);
  std::string out;
  int val = 0, bits = -8;
  for (char ch : part) {
    int d = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
            : ch >= '0' && ch <= '9' ? ch - '0' + 52 : ch == '-' ? 62 : ch == '_' ? 63 : -1;
    if (d < 0) break;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// The Lambda-trigger role through the real binary and the aws CLI: a failing
// post-confirmation hook fails ConfirmSignUp with Cognito's error and the user stays
// UNCONFIRMED; once it succeeds the same code confirms; the pre-token-generation hook's claim
// is in the ID token InitiateAuth returns.
TEST(IdentityE2E, AwsCliWithTriggerHooks) {
  ASSERT_TRUE(fs::exists(kAws)) << "Debian's awscli is required (make test installs it)";
  HookServer hooks;
  hooks.answer("/post-confirmation", 500, R"({"errorMessage":"tenant service unavailable"})");
  hooks.answer("/pre-token", 200,
               R"({"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"custom:plan":"pro"}}}})");
  IdentityStack stack(
      {{"DTS_IDENTITY_IDENTITY_TRIGGER_POST_CONFIRMATION_URL", hooks.url("/post-confirmation")},
       {"DTS_IDENTITY_IDENTITY_TRIGGER_PRE_TOKEN_GENERATION_URL", hooks.url("/pre-token")},
       {"DTS_IDENTITY_IDENTITY_TRIGGER_SIGNING_KEY", "e2e-trigger-signing-key-0123456789abcdef"}});
  ASSERT_TRUE(stack.wait_for("all services ready", 180s)) << stack.log();

  Output up = stack.aws({"sign-up", "--client-id", kClientId, "--username", "hooked", "--password",
                         "Passw0rd!", "--user-attributes", "Name=email,Value=hooked@example.com"});
  ASSERT_EQ(up.status, 0) << up.text;
  std::string code = stack.mailbox_code("hooked", "confirm_sign_up");
  ASSERT_EQ(code.size(), 6u) << stack.log();
  Output refused = stack.aws({"confirm-sign-up", "--client-id", kClientId, "--username", "hooked",
                              "--confirmation-code", code});
  EXPECT_EQ(error_type(refused), "UserLambdaValidationException") << refused.text;
  EXPECT_NE(refused.text.find("PostConfirmation failed with error tenant service unavailable."),
            std::string::npos)
      << refused.text;
  Output state = stack.aws({"admin-get-user", "--user-pool-id", kPoolId, "--username", "hooked"});
  ASSERT_EQ(state.status, 0) << state.text;
  EXPECT_EQ(str(json_of(state), {"UserStatus"}), "UNCONFIRMED");

  hooks.answer("/post-confirmation", 200, "{}");
  Output confirmed = stack.aws({"confirm-sign-up", "--client-id", kClientId, "--username", "hooked",
                                "--confirmation-code", code});
  ASSERT_EQ(confirmed.status, 0) << confirmed.text << stack.log();
  Output signin = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                             "USER_PASSWORD_AUTH", "--auth-parameters",
                             "USERNAME=hooked,PASSWORD=Passw0rd!"});
  ASSERT_EQ(signin.status, 0) << signin.text;
  std::string payload = jwt_payload(str(json_of(signin), {"AuthenticationResult", "IdToken"}));
  EXPECT_NE(payload.find("\"custom:plan\":\"pro\""), std::string::npos) << payload;

  hooks.answer("/pre-token", 200, "not json");
  Output garbled = stack.aws({"initiate-auth", "--client-id", kClientId, "--auth-flow",
                              "USER_PASSWORD_AUTH", "--auth-parameters",
                              "USERNAME=hooked,PASSWORD=Passw0rd!"});
  EXPECT_EQ(error_type(garbled), "InvalidLambdaResponseException") << garbled.text;

  auto seen = hooks.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].rfind("/post-confirmation PostConfirmation_ConfirmSignUp {", 0), 0u) << seen[0];
  EXPECT_EQ(seen[2].rfind("/pre-token TokenGeneration_Authentication {", 0), 0u) << seen[2];
}

}  // namespace
}  // namespace dts::cli
