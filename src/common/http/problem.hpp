#pragma once
// RFC 9457 problem details: every HTTP error of the platform is
//   Content-Type: application/problem+json
//   {"type":"urn:dts:problem:not_found","title":"Not Found","status":404,
//    "detail":"dataset 42 does not exist","request_id":"..."}
// and `http_status` is the one table that maps error codes to statuses (design.md §4.4).

#include <string_view>

#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::http {

unsigned http_status(Code code);

// A problem for a plain HTTP-level failure (404 route, 405, 413...). `type` defaults to
// a URN derived from the status.
Response problem(unsigned status, std::string_view detail, std::string_view request_id,
                 std::string_view type = {});

// A problem for a domain error: status from `http_status`, type from the code name.
Response problem(const Error& error, std::string_view request_id);

}  // namespace dts::http
