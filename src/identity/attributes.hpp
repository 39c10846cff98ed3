#pragma once
// User attribute rules (Cognito's standard attributes plus "custom:<name>").
//
// Who may write what: self-service calls (SignUp) may not set `admin_only` attributes —
// by default custom:tenant_id (a user must never choose the tenant they join; the
// post-confirmation hook or an admin sets it), email_verified and phone_number_verified.
// Admin calls may set any valid attribute. "sub" is never writable.
//
// Limits: at most 50 attributes per call, names <= 32 bytes ("custom:" + 1..20 of
// [A-Za-z0-9_-]), values <= 2048 characters, valid UTF-8 without control characters,
// "email" must look like an address (one '@', no spaces, <= 254 bytes).

#include <boost/json/array.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "identity/model.hpp"

namespace dts::identity {

inline constexpr size_t kMaxAttributes = 50;
inline constexpr size_t kMaxAttributeValue = 2048;

enum class Writer { kSelf, kAdmin };

// Parses Cognito's [{"Name":..., "Value":...}] list (field name `field` for messages) and
// checks every rule above. InvalidParameterException / NotAuthorizedException.
Result<Attributes> parse_attribute_list(const boost::json::array* list, std::string_view field,
                                        Writer writer);

// Checks one (name, value) pair.
Status check_attribute(std::string_view name, std::string_view value, Writer writer);

// Cognito's [{"Name":..,"Value":..}] rendering, "sub" first.
boost::json::array render_attributes(const User& user);

// "a***@e***.com" for code delivery details.
std::string mask_email(std::string_view email);

}  // namespace dts::identity
