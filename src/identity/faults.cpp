#include "identity/faults.hpp"

#include <array>

namespace dts::identity {
namespace {

struct Known {
  std::string_view type;
  Code code;
};

constexpr std::array kKnown = {
    Known{kNotAuthorized, Code::kUnauthenticated},
    Known{kUserNotFound, Code::kNotFound},
    Known{kUsernameExists, Code::kAlreadyExists},
    Known{kInvalidPassword, Code::kInvalidArgument},
    Known{kInvalidParameter, Code::kInvalidArgument},
    Known{kCodeMismatch, Code::kInvalidArgument},
    Known{kExpiredCode, Code::kFailedPrecondition},
    Known{kLimitExceeded, Code::kResourceExhausted},
    Known{kTooManyRequests, Code::kResourceExhausted},
    Known{kUserNotConfirmed, Code::kFailedPrecondition},
    Known{kPasswordResetRequired, Code::kFailedPrecondition},
    Known{kResourceNotFound, Code::kNotFound},
    Known{kGroupExists, Code::kAlreadyExists},
    Known{kInternalError, Code::kInternal},
    Known{kUnsupportedOperation, Code::kUnimplemented},
    Known{kUserLambdaValidation, Code::kFailedPrecondition},
    Known{kUnexpectedLambda, Code::kUnavailable},
    Known{kInvalidLambdaResponse, Code::kFailedPrecondition},
    Known{kUnknownOperation, Code::kInvalidArgument},
    Known{kSerialization, Code::kInvalidArgument},
    Known{kUnrecognizedClient, Code::kUnauthenticated},
    Known{kInvalidSignature, Code::kUnauthenticated},
    Known{kIncompleteSignature, Code::kUnauthenticated},
    Known{kMissingAuthToken, Code::kUnauthenticated},
};

}  // namespace

Error fault(std::string_view type, std::string_view message) {
  Code code = Code::kInvalidArgument;
  for (const auto& k : kKnown) {
    if (k.type == type) code = k.code;
  }
  std::string text(type);
  text += ": ";
  text += message;
  return Error(code, std::move(text));
}

std::string_view fault_type(const Error& error) {
  std::string_view m = error.message();
  size_t colon = m.find(": ");
  if (colon == std::string_view::npos) return {};
  std::string_view prefix = m.substr(0, colon);
  for (const auto& k : kKnown) {
    if (k.type == prefix) return k.type;
  }
  return {};
}

FaultView describe_fault(const Error& error) {
  FaultView v;
  if (std::string_view type = fault_type(error); !type.empty()) {
    v.type = std::string(type);
    v.message = error.message().substr(type.size() + 2);
    v.http_status = error.code() == Code::kInternal ? 500 : 400;
    return v;
  }
  switch (error.code()) {
    case Code::kInvalidArgument:
    case Code::kUnprocessable:
      v.type = std::string(kInvalidParameter);
      v.message = error.message();
      return v;
    case Code::kPayloadTooLarge:
      v.type = std::string(kInvalidParameter);
      v.message = "Request is too large.";
      return v;
    case Code::kNotFound:
      v.type = std::string(kResourceNotFound);
      v.message = error.message();
      return v;
    case Code::kUnauthenticated:
    case Code::kPermissionDenied:
      v.type = std::string(kNotAuthorized);
      v.message = error.message();
      return v;
    case Code::kResourceExhausted:
      v.type = std::string(kTooManyRequests);
      v.message = "Too many requests.";
      return v;
    default:
      // Database and other internal failures: never echo their text to the client.
      v.type = std::string(kInternalError);
      v.message = "Internal server error.";
      v.http_status = 500;
      v.internal = true;
      return v;
  }
}

}  // namespace dts::identity
