#pragma once
// Triggers: Cognito's Lambda triggers role. At fixed steps the identity service POSTs
// Cognito's Lambda event JSON to a configured HTTP endpoint and waits for the answer, so
// code written as a Cognito trigger ports with a thin HTTP wrapper:
//
//   post-confirmation      after ConfirmSignUp / AdminConfirmSignUp / hosted confirmation
//                          (PostConfirmation_ConfirmSignUp) and ConfirmForgotPassword
//                          (PostConfirmation_ConfirmForgotPassword); e.g. create the tenant
//                          in core and the wallet in billing.
//   pre-token-generation   before every ID/access token pair: TokenGeneration_Authentication
//                          (InitiateAuth), _NewPasswordChallenge, _RefreshTokens, _HostedAuth
//                          (/oauth2/token code grant); the reply may add, override or
//                          suppress claims, override groups and (version 2) scopes
//                          (customization.hpp).
//
// Each request: POST <url>, Content-Type: application/json, X-Dts-Trigger-Source:
// <triggerSource>, X-Dts-Trigger-Signature (signature.hpp) over the exact body. The event:
//   {"version", "triggerSource", "region", "userPoolId", "userName",
//    "callerContext": {"awsSdkVersion", "clientId"},
//    "request": {"userAttributes": {...}, ...}, "response": {}}
//
// Failures are Cognito's (faults.hpp), and the caller leaves no trace of the step:
//   the endpoint answered non-2xx     -> UserLambdaValidationException
//                                        "<Trigger> failed with error <errorMessage>."
//   timeout, connection refused/reset -> UnexpectedLambdaException
//   body not a JSON object, over the size limit, wrong shapes -> InvalidLambdaResponseException
//
// Thread-safety: immutable after construction; calls may run concurrently.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/http/client.hpp"
#include "common/result.hpp"
#include "identity/model.hpp"
#include "identity/triggers/customization.hpp"

namespace dts::identity::triggers {

template <typename T>
using Task = boost::asio::awaitable<T>;

struct TriggerOptions {
  std::string post_confirmation_url;        // empty = no post-confirmation hook
  std::string pre_token_generation_url;     // empty = no pre-token-generation hook
  int pre_token_generation_version = 1;     // Cognito's LambdaVersion V1_0 (default) or V2_0
  std::chrono::milliseconds timeout{5000};  // Cognito's fixed Lambda trigger timeout
  size_t max_response_bytes = 64 * 1024;
  std::string signing_key;  // >= kMinKeyBytes when any URL is set
  std::string ca_file;      // https:// hooks: extra trusted CA certificates (PEM)
};

// Cognito's trigger sources used here.
inline constexpr const char* kPostConfirmSignUp = "PostConfirmation_ConfirmSignUp";
inline constexpr const char* kPostConfirmForgotPassword = "PostConfirmation_ConfirmForgotPassword";
inline constexpr const char* kTokenAuthentication = "TokenGeneration_Authentication";
inline constexpr const char* kTokenRefresh = "TokenGeneration_RefreshTokens";
inline constexpr const char* kTokenHostedAuth = "TokenGeneration_HostedAuth";
inline constexpr const char* kTokenNewPassword = "TokenGeneration_NewPasswordChallenge";
// callerContext.clientId of admin calls (Cognito's value).
inline constexpr const char* kNoClient = "CLIENT_ID_NOT_APPLICABLE";

class Triggers {
 public:
  Triggers(boost::asio::any_io_executor executor, TriggerOptions options);

  bool has_post_confirmation() const { return !options_.post_confirmation_url.empty(); }
  bool has_pre_token_generation() const { return !options_.pre_token_generation_url.empty(); }
  const TriggerOptions& options() const { return options_; }

  // `user` as it will be once the step commits (status CONFIRMED...). OK when no hook is
  // configured.
  Task<Status> post_confirmation(std::string source, User user, std::string client_id);

  // The hook's changes (empty when no hook is configured). `groups` sorted by precedence.
  Task<Result<TokenCustomization>> pre_token_generation(std::string source, User user,
                                                        std::string client_id,
                                                        std::vector<Group> groups,
                                                        std::string scope);

  // The event without request-specific members (tests and the README examples).
  static boost::json::object base_event(std::string_view version, std::string_view source,
                                        const User& user, std::string_view client_id);

 private:
  // POSTs the event; the parsed JSON reply ({} for an empty body) or the Cognito error.
  Task<Result<boost::json::object>> invoke(std::string trigger, std::string url,
                                           boost::json::object event);

  TriggerOptions options_;
  boost::asio::any_io_executor executor_;
  http::ClientOptions client_options_;
};

}  // namespace dts::identity::triggers
