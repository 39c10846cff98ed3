// The state changes that finish a confirmation step, each ONE statement (data-modifying
// CTEs), so the code is consumed exactly when the user changes: a failure or crash leaves
// both as they were. Accounts runs the post-confirmation hook *before* these, so a failing
// hook leaves the user UNCONFIRMED and the code unconsumed (README "Triggers").
#include "common/pg/co_try.hpp"
#include "identity/store.hpp"

namespace dts::identity {
namespace {

// The code is consumed only while the user is still UNCONFIRMED, and the user confirmed
// (email verified: the code went to that address) only if the code was consumed.
constexpr const char* kConfirmWithCode =
    "WITH c AS (DELETE FROM identity.code WHERE user_id = $1::uuid AND purpose = $2 "
    "  AND code_hash = $3 AND expires_at > now() AND attempts < $4 "
    "  AND EXISTS (SELECT 1 FROM identity.users WHERE id = $1::uuid AND status = 'UNCONFIRMED') "
    "  RETURNING 1), "
    "u AS (UPDATE identity.users SET status = 'CONFIRMED', "
    "  attributes = attributes || '{\"email_verified\":\"true\"}'::jsonb, updated_at = now() "
    "  WHERE id = $1::uuid AND status = 'UNCONFIRMED' AND EXISTS (SELECT 1 FROM c) RETURNING 1) "
    "SELECT (SELECT count(*) FROM u)";

constexpr const char* kAdminConfirm =
    "WITH u AS (UPDATE identity.users SET status = 'CONFIRMED', updated_at = now() "
    "  WHERE id = $1::uuid AND status = 'UNCONFIRMED' RETURNING 1), "
    "c AS (DELETE FROM identity.code WHERE user_id = $1::uuid AND purpose = $2 "
    "  AND EXISTS (SELECT 1 FROM u) RETURNING 1) "
    "SELECT (SELECT count(*) FROM u)";

// A reset keeps UNCONFIRMED users unconfirmed and ends every session of the user.
constexpr const char* kResetWithCode =
    "WITH c AS (DELETE FROM identity.code WHERE user_id = $1::uuid AND purpose = $2 "
    "  AND code_hash = $3 AND expires_at > now() AND attempts < $4 RETURNING 1), "
    "u AS (UPDATE identity.users SET password_hash = $5, updated_at = now(), "
    "  status = CASE WHEN status = 'UNCONFIRMED' THEN 'UNCONFIRMED' ELSE 'CONFIRMED' END "
    "  WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM c) RETURNING 1), "
    "s AS (UPDATE identity.session SET revoked_at = now() WHERE user_id = $1::uuid "
    "  AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM c) RETURNING 1) "
    "SELECT (SELECT count(*) FROM u)";

}  // namespace

Task<Result<bool>> Store::confirm_with_code(std::string user_id, std::string purpose,
                                            std::string hash, int64_t max_attempts) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_confirm_with_code", kConfirmWithCode, user_id,
                                          purpose, hash, max_attempts));
  co_return rows[0].get<int64_t>(0) > 0;
}

Task<Result<bool>> Store::admin_confirm(std::string user_id, std::string purpose) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_admin_confirm",
                                                              kAdminConfirm, user_id, purpose));
  co_return rows[0].get<int64_t>(0) > 0;
}

Task<Result<bool>> Store::reset_password_with_code(std::string user_id, std::string purpose,
                                                   std::string hash, int64_t max_attempts,
                                                   std::string password_hash) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_reset_with_code", kResetWithCode, user_id,
                                          purpose, hash, max_attempts, password_hash));
  co_return rows[0].get<int64_t>(0) > 0;
}

}  // namespace dts::identity
