#pragma once
// Mapping PostgreSQL failures onto the platform error model (common/result.hpp).
//
// Every database error keeps its SQLSTATE in the message, as "... (SQLSTATE 23505)", so a
// store can tell a unique violation from a foreign-key violation without a second channel,
// and logs stay greppable. The mapping (SQLSTATE -> Code):
//   23505 unique_violation                    -> kAlreadyExists
//   23P01 exclusion_violation                 -> kConflict
//   40001 serialization_failure, 40P01 deadlock -> kConflict, and retryable() is true
//   23503 foreign_key_violation, 25xxx, P0001 -> kFailedPrecondition
//   22xxx data exception, 23502/23514, 42xxx  -> kInvalidArgument (bad SQL or bad input)
//   42501 insufficient_privilege              -> kPermissionDenied
//   57014 query_canceled                      -> kDeadlineExceeded (our statement timeout)
//   08xxx, 57P01-57P03, 53300, lost socket    -> kUnavailable (connection problems)
//   53xxx (other)                             -> kResourceExhausted
//   0A000 feature_not_supported               -> kUnimplemented
//   anything else                             -> kInternal
// Pure functions; thread-safe.

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::pg {

// The canonical code for a five-character SQLSTATE.
Code code_for_sqlstate(std::string_view sqlstate);

// True for failures that succeed when the whole transaction is simply run again:
// serialization_failure (40001) and deadlock_detected (40P01).
bool retryable(std::string_view sqlstate);

// The SQLSTATE recorded in an error produced by this module, if any.
std::optional<std::string_view> sqlstate_of(const Error& error);

// retryable(sqlstate_of(error)).
bool retryable(const Error& error);

// The constraint named in an integrity error ("... constraint users_email_key ..."), so a
// store can map a unique violation on a specific index to a domain message.
std::optional<std::string_view> constraint_of(const Error& error);

// Builds the Error for a failed PGresult: "<primary message> (SQLSTATE xxxxx[, constraint
// c])". DETAIL is left out on purpose: it echoes row values (e-mails, keys) into logs and
// HTTP problem details.
Error error_from_result(const PGresult* result);

// Like error_from_result but with DETAIL, HINT and the statement position (1-based line),
// for operator-facing messages such as migration failures.
std::string describe_verbose(const PGresult* result, std::string_view sql);

// An error for a connection-level failure (no PGresult): kUnavailable with libpq's message.
Error connection_error(std::string_view what, const PGconn* conn);

}  // namespace dts::pg
