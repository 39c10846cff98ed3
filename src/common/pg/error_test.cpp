#include "common/pg/error.hpp"

#include <gtest/gtest.h>

namespace dts::pg {
namespace {

TEST(PgError, SqlstateMapping) {
  EXPECT_EQ(code_for_sqlstate("23505"), Code::kAlreadyExists);
  EXPECT_EQ(code_for_sqlstate("40001"), Code::kConflict);
  EXPECT_EQ(code_for_sqlstate("40P01"), Code::kConflict);
  EXPECT_EQ(code_for_sqlstate("23503"), Code::kFailedPrecondition);
  EXPECT_EQ(code_for_sqlstate("23502"), Code::kInvalidArgument);
  EXPECT_EQ(code_for_sqlstate("42601"), Code::kInvalidArgument);
  EXPECT_EQ(code_for_sqlstate("42501"), Code::kPermissionDenied);
  EXPECT_EQ(code_for_sqlstate("57014"), Code::kDeadlineExceeded);
  EXPECT_EQ(code_for_sqlstate("57P01"), Code::kUnavailable);
  EXPECT_EQ(code_for_sqlstate("08006"), Code::kUnavailable);
  EXPECT_EQ(code_for_sqlstate("53200"), Code::kResourceExhausted);
  EXPECT_EQ(code_for_sqlstate("XX000"), Code::kInternal);
  EXPECT_TRUE(retryable("40001"));
  EXPECT_TRUE(retryable("40P01"));
  EXPECT_FALSE(retryable("23505"));
}

TEST(PgError, SqlstateAndConstraintAreRecoveredFromTheMessage) {
  Error e(Code::kAlreadyExists, "duplicate key (SQLSTATE 23505, constraint t_pkey)");
  EXPECT_EQ(sqlstate_of(e), std::optional<std::string_view>("23505"));
  EXPECT_EQ(constraint_of(e), std::optional<std::string_view>("t_pkey"));
  EXPECT_FALSE(retryable(e));
  Error s(Code::kConflict, "could not serialize access (SQLSTATE 40001)");
  EXPECT_TRUE(retryable(s));
  EXPECT_EQ(constraint_of(s), std::nullopt);
  EXPECT_EQ(sqlstate_of(Error(Code::kInternal, "no state")), std::nullopt);
}

}  // namespace
}  // namespace dts::pg
