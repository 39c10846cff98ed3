#pragma once
// OAuth 2.0 error responses (RFC 6749 §5.2, RFC 6750 §3, RFC 7009 §2.2.1) in the shape
// Cognito's endpoints use: a JSON object {"error":"invalid_grant"} plus an
// "error_description" for humans, Cache-Control: no-store.
//
// These endpoints deliberately do not answer problem+json: OAuth clients (openid-client,
// AWS Amplify, oauth2-proxy) parse "error" to decide what to do.

#include <string>
#include <string_view>

#include "common/http/message.hpp"

namespace dts::identity::oauth {

struct OAuthError {
  std::string error;        // invalid_request, invalid_client, invalid_grant, ...
  std::string description;  // safe for clients: never secrets, never whether a user exists
  unsigned status = 400;
  // invalid_client after an Authorization: Basic attempt: 401 + WWW-Authenticate (§5.2).
  bool basic_challenge = false;
};

OAuthError invalid_request(std::string description);
OAuthError invalid_client(std::string description, bool basic_attempted);
OAuthError invalid_grant(std::string description);
OAuthError unauthorized_client(std::string description);
OAuthError unsupported_grant_type(std::string description);
OAuthError invalid_scope(std::string description);

http::Response error_response(const OAuthError& error);

// RFC 6750 §3: 401 with WWW-Authenticate: Bearer error="invalid_token" (userInfo).
http::Response bearer_error(std::string_view error, std::string_view description,
                            unsigned status = 401);

// Adds Cache-Control: no-store and Pragma: no-cache (token responses, RFC 6749 §5.1).
void no_store(http::Response& response);

}  // namespace dts::identity::oauth
