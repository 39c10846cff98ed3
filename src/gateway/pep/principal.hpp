#pragma once
// `Principal`: who a verified access token says the caller is. Built once per token (then
// cached until the token expires) and shared read-only between requests.

#include <chrono>
#include <string>
#include <vector>

#include "rego/value.hpp"

namespace dts::gateway::pep {

struct Principal {
  std::string issuer;
  std::string subject;              // "sub": the stable principal id
  std::string username;             // "username" (access token) or "cognito:username"
  std::string client_id;            // "client_id" (access token) or "aud"
  std::string token_use;            // "access"
  std::vector<std::string> scopes;  // "scope" split on spaces
  std::vector<std::string> groups;  // "cognito:groups"
  std::string alg;
  std::string kid;
  rego::Value claims;  // every claim, for the policy input
  std::chrono::system_clock::time_point expires;
};

}  // namespace dts::gateway::pep
