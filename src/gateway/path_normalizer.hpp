#pragma once
// Canonical request paths, computed once before rule matching and before policy, so that
// "/api/core/../secrets", "/api//core" and "/api/%63ore" cannot slip past a rule or a
// policy written for "/api/core/...".
//
//   - percent-escapes of unreserved characters (A-Z a-z 0-9 - . _ ~) are decoded, every
//     other escape is kept with upper-case hex;
//   - an encoded '/' or '\' (%2F, %5C), an encoded NUL, a raw '\', control characters and
//     malformed escapes are rejected (ambiguous between proxies and services);
//   - runs of '/' collapse to one; "." segments vanish; ".." removes the previous segment,
//     and a ".." above the root is rejected;
//   - a trailing '/' is kept (it can matter to the service).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::gateway {

// `raw` is the path part of the request target (no query). kInvalidArgument on rejection.
Result<std::string> normalize_path(std::string_view raw);

}  // namespace dts::gateway
