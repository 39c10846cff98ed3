#pragma once
// Redirect targets of the hosted UI: exact matching against a client's registered URLs and
// building the Location with parameters.
//
// Exact means byte for byte (RFC 9700 §4.1.3, Cognito): no prefix, case folding, trailing
// slash, default port or percent-decoding games, so "https://app/cb/../evil", "https://app/cb?x"
// or "https://app/cb#" never match "https://app/cb". A redirect is only ever produced for a
// URL that matched; anything else renders an error page instead (no open redirect).
//
// Pure and thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dts::identity::oauth {

inline constexpr size_t kMaxRedirectUriBytes = 2048;

// True when `uri` is one of `registered` exactly (and not longer than the limit, not empty).
bool redirect_registered(std::string_view uri, const std::vector<std::string>& registered);

// `uri` with `params` added to its query (percent-encoded), before any fragment.
std::string with_query(std::string_view uri,
                       const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace dts::identity::oauth
