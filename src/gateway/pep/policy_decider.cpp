#include "gateway/pep/policy_decider.hpp"

#include <cctype>

#include "common/log.hpp"

namespace dts::gateway::pep {
namespace {

namespace asio = boost::asio;
using rego::Value;

constexpr size_t kMaxHeaders = 16;
constexpr size_t kMaxHeaderValueBytes = 1024;

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// A header the policy may add: a plain name, a value without control characters, and never
// one of the identity headers the gateway signs (the policy cannot forge those).
bool acceptable_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.size() > 64 || value.size() > kMaxHeaderValueBytes) {
    return false;
  }
  for (char c : name) {
    if (!token_char(c)) return false;
  }
  for (char c : value) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.rfind("x-dts-", 0) != 0 && lower != "authorization" && lower != "host" &&
         lower != "connection" && lower != "transfer-encoding" && lower != "content-length";
}

const Value* member(const Value& obj, const char* name) { return obj.find(Value::string(name)); }

PolicyDecision error_decision(std::string reason) {
  PolicyDecision d;
  d.error = true;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

PolicyDecision parse_decision(const Value& doc) {
  PolicyDecision d;
  if (doc.is_bool()) {
    d.allow = doc.as_bool();
    return d;
  }
  if (!doc.is_object()) {
    return error_decision("policy decision is neither a boolean nor an object");
  }
  const Value* allow = member(doc, "allow");
  if (allow == nullptr) {
    // A package without an `allow` value for this input: deny (OPA's default-deny habit).
    d.allow = false;
  } else if (!allow->is_bool()) {
    return error_decision("policy decision \"allow\" is not a boolean");
  } else {
    d.allow = allow->as_bool();
  }
  if (const Value* reason = member(doc, "reason"); reason != nullptr && reason->is_string()) {
    d.reason = reason->as_string().substr(0, 512);
  }
  if (const Value* headers = member(doc, "headers"); headers != nullptr && headers->is_object()) {
    for (const auto& [k, v] : headers->as_object()) {
      if (d.headers.size() >= kMaxHeaders) break;
      if (k.is_string() && v.is_string() && acceptable_header(k.as_string(), v.as_string())) {
        d.headers.emplace_back(k.as_string(), v.as_string());
      } else {
        log::warn("policy header ignored", {{"header", k.is_string() ? k.as_string() : "?"}});
      }
    }
  }
  return d;
}

PolicyDecider::PolicyDecider(const EnforcerConfig& config, asio::any_io_executor executor)
    : path_(policy::pdp::split_doc_path(config.decision_path)), timeout_(config.policy_timeout) {
  if (!config.policy_url.empty()) {
    std::string path;
    for (const auto& seg : path_) path += "/" + http::percent_encode(seg);
    url_ = config.policy_url + "/v1/data" + path;
    http::ClientOptions o;
    o.request_timeout = config.policy_timeout;
    o.connect_timeout = config.policy_timeout;
    o.max_response_bytes = 1024 * 1024;
    client_ = std::make_unique<http::Client>(executor, o);
  }
}

PolicyDecider::~PolicyDecider() {
  if (watcher_) watcher_->stop();
}

Result<std::unique_ptr<PolicyDecider>> PolicyDecider::create(const EnforcerConfig& config,
                                                             asio::any_io_executor executor) {
  std::unique_ptr<PolicyDecider> d(new PolicyDecider(config, executor));
  if (d->path_.empty()) {
    return invalid_argument("POLICY_DECISION_PATH must name a document below data");
  }
  if (d->remote()) {
    return d;
  }
  if (config.policy_bundle.empty()) {
    return invalid_argument("either POLICY_URL or POLICY_BUNDLE must be set");
  }
  d->store_ = std::make_unique<policy::pdp::Store>();
  d->watcher_ = std::make_unique<policy::pdp::BundleWatcher>(config.policy_bundle, *d->store_,
                                                             config.policy_poll);
  if (!d->watcher_->reload_now()) {
    return invalid_argument("policy bundle " + config.policy_bundle +
                            " could not be activated: " + d->watcher_->status().last_error);
  }
  d->watcher_->start();
  return d;
}

uint64_t PolicyDecider::revision() const { return store_ ? store_->snapshot()->revision() : 0; }

policy::pdp::BundleStatus PolicyDecider::bundle_status() const {
  return watcher_ ? watcher_->status() : policy::pdp::BundleStatus{};
}

PolicyDecision PolicyDecider::decide_local(const Value& input) const {
  auto snapshot = store_->snapshot();
  auto query = snapshot->query(path_);
  if (auto* e = std::get_if<policy::pdp::OpaError>(&query)) {
    return error_decision("policy query does not compile: " + e->message);
  }
  const auto& prepared = std::get<std::shared_ptr<const rego::PreparedQuery>>(query);
  rego::EvalOptions options = prepared->default_options();
  options.deadline = std::chrono::steady_clock::now() + timeout_;
  std::optional<Value> in(input);
  auto outcome = prepared->eval(in, options);
  if (!outcome.ok()) {
    log::error("policy evaluation failed", {{"error", outcome.error->to_string()}});
    return error_decision("policy evaluation failed");
  }
  auto value = outcome.first_value();
  if (!value) {
    return error_decision("policy decision is undefined");
  }
  return parse_decision(*value);
}

asio::awaitable<PolicyDecision> PolicyDecider::decide(Value input) const {
  if (!remote()) {
    co_return decide_local(input);
  }
  std::string body = "{\"input\":" + input.to_json() + "}";
  std::string url = url_;
  std::string content_type = "application/json";
  auto response = co_await client_->post(url, std::move(body), content_type);
  if (!response.ok()) {
    log::error("remote PDP unreachable", {{"url", url}, {"error", response.error().to_string()}});
    co_return error_decision("policy decision point unavailable");
  }
  if (response->status != 200) {
    log::error("remote PDP error", {{"url", url}, {"status", response->status}});
    co_return error_decision("policy decision point answered " + std::to_string(response->status));
  }
  auto doc = Value::from_json(response->body);
  if (!doc.ok() || !doc->is_object()) {
    co_return error_decision("policy decision point answered malformed JSON");
  }
  const Value* result = member(*doc, "result");
  if (result == nullptr) {
    co_return error_decision("policy decision is undefined");
  }
  co_return parse_decision(*result);
}

}  // namespace dts::gateway::pep
