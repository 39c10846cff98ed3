#pragma once
// The Cognito JSON API's building blocks: one Action per X-Amz-Target operation, field
// readers with Cognito's validation wording, and renderers for Cognito's types.
//
// A handler gets the parsed JSON body and returns the response object; errors are
// dts::Error built with fault() (faults.hpp), rendered by api.cpp as
// {"__type": "...Exception", "message": "..."}.

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/http/message.hpp"
#include "common/result.hpp"
#include "identity/accounts.hpp"

namespace dts::identity::cognito {

struct ActionContext {
  Accounts& accounts;
  const http::Request& request;
  std::string ip;  // client address used for throttling
};

using ActionFn = Task<Result<boost::json::object>> (*)(ActionContext&, const boost::json::object&);

struct Action {
  std::string_view name;
  bool admin;  // requires a SigV4 signature with the admin key
  ActionFn fn;
};

// Every supported action (user actions and admin actions).
std::span<const Action> user_actions();
std::span<const Action> admin_actions();

// ---- field readers ----------------------------------------------------------------------
// Strings are bounded in bytes; a missing required field is
// "1 validation error detected: Value at '<name>' failed to satisfy constraint: Member must not be null".
Result<std::string> required_string(const boost::json::object& body, std::string_view name,
                                    size_t max_bytes);
Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                   std::string_view name, size_t max_bytes);
Result<std::optional<int64_t>> optional_int(const boost::json::object& body, std::string_view name,
                                            int64_t min, int64_t max);
// A JSON object of string values (AuthParameters, ChallengeResponses), bounded.
Result<std::map<std::string, std::string, std::less<>>> string_map(const boost::json::object& body,
                                                                   std::string_view name,
                                                                   size_t max_entries,
                                                                   size_t max_value_bytes);
Result<const boost::json::array*> optional_array(const boost::json::object& body,
                                                 std::string_view name);

// Opaque pagination tokens (base64url of the last key).
std::string page_token(std::string_view last_key);
Result<std::string> read_page_token(const std::optional<std::string>& token);

// ---- renderers --------------------------------------------------------------------------
boost::json::object render_user_type(const User& user);  // UserType (Attributes)
boost::json::object render_group(const Group& group);    // GroupType
boost::json::object render_delivery(const CodeDelivery& delivery);
boost::json::object render_tokens(const IssuedTokens& tokens);  // AuthenticationResultType

}  // namespace dts::identity::cognito
