#pragma once
// Cognito's error vocabulary on top of the platform's one error model.
//
// Domain functions return dts::Result like every service; when Cognito has a specific
// exception for a failure, the Error is built with `fault(...)`, which picks the canonical
// code AND records the Cognito type as a prefix of the message:
//   fault(kNotAuthorized, "Incorrect username or password.")
//   -> Error{kUnauthenticated, "NotAuthorizedException: Incorrect username or password."}
// `describe_fault` recovers {type, message} at the API edge (cognito/api.cpp); errors
// without a known prefix map from their code, and internal/database errors are reported as
// InternalErrorException with a generic message (details only in the log).
// The OIDC endpoints can use the plain Code (http::problem) or the split message.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity {

inline constexpr std::string_view kNotAuthorized = "NotAuthorizedException";
inline constexpr std::string_view kUserNotFound = "UserNotFoundException";
inline constexpr std::string_view kUsernameExists = "UsernameExistsException";
inline constexpr std::string_view kInvalidPassword = "InvalidPasswordException";
inline constexpr std::string_view kInvalidParameter = "InvalidParameterException";
inline constexpr std::string_view kCodeMismatch = "CodeMismatchException";
inline constexpr std::string_view kExpiredCode = "ExpiredCodeException";
inline constexpr std::string_view kLimitExceeded = "LimitExceededException";
inline constexpr std::string_view kTooManyRequests = "TooManyRequestsException";
inline constexpr std::string_view kUserNotConfirmed = "UserNotConfirmedException";
inline constexpr std::string_view kPasswordResetRequired = "PasswordResetRequiredException";
inline constexpr std::string_view kResourceNotFound = "ResourceNotFoundException";
inline constexpr std::string_view kGroupExists = "GroupExistsException";
inline constexpr std::string_view kInternalError = "InternalErrorException";
inline constexpr std::string_view kUnsupportedOperation = "UnsupportedOperationException";
// Lambda triggers (triggers/triggers.hpp): the hook refused, was unreachable, or answered
// something unusable.
inline constexpr std::string_view kUserLambdaValidation = "UserLambdaValidationException";
inline constexpr std::string_view kUnexpectedLambda = "UnexpectedLambdaException";
inline constexpr std::string_view kInvalidLambdaResponse = "InvalidLambdaResponseException";
// AWS protocol-level errors (any JSON service).
inline constexpr std::string_view kUnknownOperation = "UnknownOperationException";
inline constexpr std::string_view kSerialization = "SerializationException";
inline constexpr std::string_view kUnrecognizedClient = "UnrecognizedClientException";
inline constexpr std::string_view kInvalidSignature = "InvalidSignatureException";
inline constexpr std::string_view kIncompleteSignature = "IncompleteSignatureException";
inline constexpr std::string_view kMissingAuthToken = "MissingAuthenticationTokenException";

// An Error for Cognito exception `type` (one of the constants above).
Error fault(std::string_view type, std::string_view message);

struct FaultView {
  std::string type;
  std::string message;
  unsigned http_status = 400;  // AWS JSON protocol: 400 for client faults, 500 otherwise
  bool internal = false;       // true: log the original error, show a generic message
};

FaultView describe_fault(const Error& error);

// The Cognito type of `error` if it was built by fault(), else empty.
std::string_view fault_type(const Error& error);

}  // namespace dts::identity
