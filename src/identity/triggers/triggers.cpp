#include "identity/triggers/triggers.hpp"

#include <boost/json/serialize.hpp>

#include "common/json.hpp"
#include "common/log.hpp"
#include "identity/faults.hpp"
#include "identity/triggers/signature.hpp"

namespace dts::identity::triggers {
namespace {

namespace js = boost::json;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The hook's own error text, as Cognito shows a Lambda's errorMessage: bounded, one line,
// printable ASCII (it ends up in an API response and in logs).
std::string hook_reason(const http::Response& r) {
  std::string reason;
  auto parsed = json::parse_object(r.body, json::Limits{.max_bytes = 64 * 1024, .max_depth = 8});
  if (parsed.ok()) {
    for (std::string_view key : {"errorMessage", "message", "error"}) {
      if (const js::value* v = parsed->if_contains(key); v != nullptr && v->is_string()) {
        reason = std::string(v->get_string());
        break;
      }
    }
  }
  if (reason.empty()) reason = "HTTP " + std::to_string(r.status);
  std::string out;
  for (char ch : reason) {
    if (out.size() >= 256) break;
    unsigned char u = static_cast<unsigned char>(ch);
    out += (u >= 0x20 && u < 0x7f) ? ch : ' ';
  }
  return out;
}

js::object user_attributes(const User& user) {
  js::object a;
  a["sub"] = user.id;
  for (const auto& [k, v] : user.attributes) a[k] = v;
  a["cognito:user_status"] = std::string(status_name(user.status));
  return a;
}

std::string region_of(std::string_view pool_id) {
  size_t underscore = pool_id.find('_');
  return std::string(underscore == std::string_view::npos ? pool_id
                                                          : pool_id.substr(0, underscore));
}

}  // namespace

Triggers::Triggers(boost::asio::any_io_executor executor, TriggerOptions options)
    : options_(std::move(options)), executor_(std::move(executor)) {
  client_options_.connect_timeout = std::min(options_.timeout, std::chrono::milliseconds(2000));
  client_options_.request_timeout = options_.timeout;
  client_options_.max_response_bytes = options_.max_response_bytes;
  client_options_.max_retries = 0;  // a hook is not idempotent by contract: one call per step
  client_options_.user_agent = "dts-identity-triggers";
  client_options_.ca_file = options_.ca_file;
}

js::object Triggers::base_event(std::string_view version, std::string_view source, const User& user,
                                std::string_view client_id) {
  js::object e;
  e["version"] = version;
  e["triggerSource"] = source;
  e["region"] = region_of(user.pool_id);
  e["userPoolId"] = user.pool_id;
  e["userName"] = user.username;
  e["callerContext"] = js::object{{"awsSdkVersion", "dts-identity"}, {"clientId", client_id}};
  e["request"] = js::object{{"userAttributes", user_attributes(user)}};
  e["response"] = js::object();
  return e;
}

Task<Result<js::object>> Triggers::invoke(std::string trigger, std::string url, js::object event) {
  std::string source(event["triggerSource"].as_string());
  http::ClientRequest request;
  request.method = "POST";
  request.url = url;
  request.body = js::serialize(event);
  request.headers.set("Content-Type", "application/json");
  request.headers.set(kSourceHeader, source);
  request.headers.set(kSignatureHeader, sign(options_.signing_key, unix_now(), request.body));
  request.timeout = options_.timeout;
  auto start = std::chrono::steady_clock::now();
  // A fresh connection per call: a POST cannot be retried, and a pooled keep-alive connection
  // that the hook server closes just as it is reused would fail the step (seen in the e2e
  // test as a timeout). A loopback/LAN connect costs far less than the hook itself.
  http::Client client(executor_, client_options_);
  Result<http::Response> reply = co_await client.request(std::move(request));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  if (!reply.ok()) {
    log::warn("trigger failed",
              {{"trigger", source}, {"error", reply.error().to_string()}, {"duration_ms", ms}});
    if (reply.error().code() == Code::kPayloadTooLarge) {
      co_return fault(kInvalidLambdaResponse, "Unrecognizable lambda output");
    }
    std::string why =
        reply.error().code() == Code::kDeadlineExceeded ? "TimeoutError" : "ConnectionError";
    co_return fault(kUnexpectedLambda, trigger + " invocation failed due to error " + why + ".");
  }
  if (reply->status < 200 || reply->status > 299) {
    std::string reason = hook_reason(*reply);
    log::warn(
        "trigger refused",
        {{"trigger", source}, {"status", reply->status}, {"reason", reason}, {"duration_ms", ms}});
    co_return fault(kUserLambdaValidation, trigger + " failed with error " + reason + ".");
  }
  if (reply->body.empty()) co_return js::object();
  json::Limits limits;
  limits.max_bytes = options_.max_response_bytes;
  limits.max_depth = 16;
  limits.max_members = 1000;
  auto parsed = json::parse_object(reply->body, limits);
  if (!parsed.ok()) {
    log::warn("trigger answered an unusable body",
              {{"trigger", source}, {"error", parsed.error().message()}, {"duration_ms", ms}});
    co_return fault(kInvalidLambdaResponse, "Unrecognizable lambda output");
  }
  co_return std::move(parsed).value();
}

Task<Status> Triggers::post_confirmation(std::string source, User user, std::string client_id) {
  if (!has_post_confirmation()) co_return ok_status();
  js::object event = base_event("1", source, user, client_id);
  std::string url = options_.post_confirmation_url;
  auto reply = co_await invoke("PostConfirmation", std::move(url), std::move(event));
  if (!reply.ok()) co_return reply.error();
  co_return ok_status();
}

Task<Result<TokenCustomization>> Triggers::pre_token_generation(std::string source, User user,
                                                                std::string client_id,
                                                                std::vector<Group> groups,
                                                                std::string scope) {
  if (!has_pre_token_generation()) co_return TokenCustomization{};
  int version = options_.pre_token_generation_version;
  js::object event = base_event(version == 2 ? "2" : "1", source, user, client_id);
  js::array names, roles;
  js::value preferred = nullptr;
  for (const Group& g : groups) {  // already by precedence: the first role is the preferred one
    names.emplace_back(g.name);
    if (g.role_arn && !g.role_arn->empty()) {
      roles.emplace_back(*g.role_arn);
      if (preferred.is_null()) preferred = js::string(*g.role_arn);
    }
  }
  js::object& request = event["request"].as_object();
  request["groupConfiguration"] = js::object{
      {"groupsToOverride", names}, {"iamRolesToOverride", roles}, {"preferredRole", preferred}};
  if (version == 2) {
    js::array scopes;
    size_t i = 0;
    while (i < scope.size()) {
      size_t j = scope.find(' ', i);
      if (j == std::string::npos) j = scope.size();
      if (j > i) scopes.emplace_back(scope.substr(i, j - i));
      i = j + 1;
    }
    request["scopes"] = scopes;
  }
  std::string url = options_.pre_token_generation_url;
  auto reply = co_await invoke("PreTokenGeneration", std::move(url), std::move(event));
  if (!reply.ok()) co_return reply.error();
  auto parsed = parse_customization(*reply, version);
  if (!parsed.ok()) {
    log::warn("pre-token-generation reply refused",
              {{"trigger", source}, {"error", parsed.error().message()}});
    co_return fault(kInvalidLambdaResponse, "Unrecognizable lambda output");
  }
  co_return parsed;
}

}  // namespace dts::identity::triggers
