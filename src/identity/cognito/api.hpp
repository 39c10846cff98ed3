#pragma once
// The Cognito Identity Provider JSON API on `POST /` (what AWS SDKs and the aws CLI speak):
//
//   POST / HTTP/1.1
//   Content-Type: application/x-amz-json-1.1
//   X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth
//   {"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"...","AuthParameters":{...}}
//
// Success: 200 with the action's JSON. Failure: 400 (500 for internal errors) with
//   {"__type":"NotAuthorizedException","message":"Incorrect username or password."}
// and the x-amzn-ErrorType / x-amzn-RequestId headers, as Cognito answers.
// Admin actions (Admin*, ListUsers, CreateGroup, ListGroups) require a SigV4 signature
// made with the configured admin key (sigv4.hpp); other actions need none.

#include <string>

#include "common/http/router.hpp"
#include "identity/accounts.hpp"
#include "identity/sigv4.hpp"

namespace dts::identity::cognito {

struct ApiOptions {
  SigV4Credentials admin;  // empty: admin actions are refused
  SigV4Options sigv4;
  bool trust_forwarded_for = false;  // take the client IP from X-Forwarded-For (behind the gateway)
  size_t max_body_bytes = 64 * 1024;
};

// Registers POST / on `router`; `accounts` must outlive it.
void add_routes(http::Router& router, Accounts& accounts, ApiOptions options);

// The client address used for throttling.
std::string client_ip(const http::Request& request, bool trust_forwarded_for);

}  // namespace dts::identity::cognito
