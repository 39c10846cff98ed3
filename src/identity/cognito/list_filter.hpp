#pragma once
// ListUsers "Filter": `AttributeName Filter-Type "AttributeValue"`, as Cognito accepts it:
//   username = "alice"     email ^= "ali"     cognito:user_status = "CONFIRMED"
//   status = "Enabled"     sub = "..."        name / given_name / family_name /
//   preferred_username / phone_number
// Filter-Type is "=" (exact) or "^=" (prefix). The value is double-quoted; \" and \\ escape.
// Values are normalized like the stored columns (usernames case-folded, emails lower-case).
// Empty text = no filter. Anything else is InvalidParameterException.

#include <string_view>

#include "common/result.hpp"
#include "identity/store.hpp"

namespace dts::identity::cognito {

Result<UserFilter> parse_list_filter(std::string_view text);

}  // namespace dts::identity::cognito
