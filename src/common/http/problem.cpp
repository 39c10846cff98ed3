#include "common/http/problem.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace dts::http {

unsigned http_status(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kConflict: return 409;
    case Code::kFailedPrecondition: return 412;
    case Code::kPayloadTooLarge: return 413;
    case Code::kUnprocessable: return 422;
    case Code::kResourceExhausted: return 429;
    case Code::kCancelled: return 499;
    case Code::kInternal: return 500;
    case Code::kUnimplemented: return 501;
    case Code::kUnavailable: return 503;
    case Code::kDeadlineExceeded: return 504;
  }
  return 500;
}

namespace {

std::string status_slug(unsigned status) {
  std::string slug;
  for (char c : reason_phrase(status)) {
    if (c == ' ') {
      slug.push_back('_');
    } else {
      slug.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
  }
  return slug;
}

}  // namespace

Response problem(unsigned status, std::string_view detail, std::string_view request_id,
                 std::string_view type) {
  boost::json::object body;
  body["type"] = type.empty() ? "urn:dts:problem:" + status_slug(status) : std::string(type);
  body["title"] = reason_phrase(status);
  body["status"] = status;
  body["detail"] = detail;
  if (!request_id.empty()) body["request_id"] = request_id;
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/problem+json");
  r.body = boost::json::serialize(body);
  return r;
}

Response problem(const Error& error, std::string_view request_id) {
  // Internal details stay in the log; the client sees a generic message.
  std::string_view detail = error.code() == Code::kInternal ? std::string_view("internal error")
                                                             : std::string_view(error.message());
  return problem(http_status(error.code()), detail, request_id,
                 "urn:dts:problem:" + std::string(code_name(error.code())));
}

}  // namespace dts::http
