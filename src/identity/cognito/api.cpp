#include "identity/cognito/api.hpp"

#include <memory>

#include "common/json.hpp"
#include "common/log.hpp"
#include "identity/cognito/action.hpp"
#include "identity/faults.hpp"

namespace dts::identity::cognito {
namespace {

using boost::asio::awaitable;

constexpr std::string_view kTargetPrefix = "AWSCognitoIdentityProviderService.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";

http::Response render_error(const http::Request& req, const Error& error) {
  FaultView f = describe_fault(error);
  if (f.internal) {
    log::error("cognito api: internal error",
               {{"request_id", req.request_id}, {"error", error.to_string()}});
  }
  boost::json::object body{{"__type", f.type}, {"message", f.message}};
  http::Response r = http::Response::json(body, f.http_status);
  r.headers.set("Content-Type", kContentType);
  r.headers.set("x-amzn-ErrorType", f.type);
  r.headers.set("x-amzn-RequestId", req.request_id);
  return r;
}

const Action* find_action(std::string_view name) {
  for (const auto& a : user_actions()) {
    if (a.name == name) return &a;
  }
  for (const auto& a : admin_actions()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

struct State {
  Accounts& accounts;
  ApiOptions options;
};

awaitable<http::Response> handle(State& state, http::Request& req) {
  std::string_view target = req.header("X-Amz-Target");
  if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) {
    co_return render_error(req, fault(kUnknownOperation, "Missing or unknown X-Amz-Target."));
  }
  const Action* action = find_action(target.substr(kTargetPrefix.size()));
  if (action == nullptr) {
    co_return render_error(req, fault(kUnknownOperation, "Unknown operation."));
  }
  std::string_view type = req.header("Content-Type");
  if (type.substr(0, kContentType.size()) != kContentType &&
      type.substr(0, 26) != "application/x-amz-json-1.0" &&
      type.substr(0, 16) != "application/json") {
    co_return render_error(req, fault(kSerialization, "Content-Type must be application/x-amz-json-1.1."));
  }
  if (req.body.size() > state.options.max_body_bytes) {
    co_return render_error(req, fault(kInvalidParameter, "Request is too large."));
  }
  if (action->admin) {
    auto principal = verify_sigv4(req, state.options.admin, state.options.sigv4,
                                  std::chrono::system_clock::now());
    if (!principal.ok()) {
      log::warn("cognito api: admin request refused",
                {{"request_id", req.request_id}, {"action", action->name},
                 {"reason", std::string(fault_type(principal.error()))}});
      co_return render_error(req, principal.error());
    }
  }
  json::Limits limits;
  limits.max_bytes = state.options.max_body_bytes;
  limits.max_depth = 8;
  limits.max_members = 256;
  auto body = json::parse_object(req.body, limits);
  if (!body.ok()) {
    co_return render_error(req, fault(kSerialization, body.error().message()));
  }
  ActionContext ctx{state.accounts, req, client_ip(req, state.options.trust_forwarded_for)};
  Result<boost::json::object> result = co_await action->fn(ctx, *body);
  if (!result.ok()) co_return render_error(req, result.error());
  http::Response r = http::Response::json(*result);
  r.headers.set("Content-Type", kContentType);
  r.headers.set("x-amzn-RequestId", req.request_id);
  co_return r;
}

}  // namespace

std::string client_ip(const http::Request& request, bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    // The last hop was appended by our own proxy (the gateway); earlier entries are
    // client-controlled.
    std::string_view xff = request.header("X-Forwarded-For");
    size_t comma = xff.rfind(',');
    std::string_view last = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
    while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
    while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
    if (!last.empty() && last.size() <= 64) return std::string(last);
  }
  return request.remote_address;
}

void add_routes(http::Router& router, Accounts& accounts, ApiOptions options) {
  auto state = std::make_shared<State>(State{accounts, std::move(options)});
  router.add("POST", "/", [state](http::Request& req) -> awaitable<Result<http::Response>> {
    http::Response r = co_await handle(*state, req);
    co_return r;
  });
}

}  // namespace dts::identity::cognito
