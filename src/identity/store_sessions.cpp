#include "common/pg/co_try.hpp"
#include "identity/store.hpp"

namespace dts::identity {
namespace {

constexpr const char* kPutCode =
    "INSERT INTO identity.code (user_id, purpose, code_hash, attempts, expires_at) "
    "VALUES ($1::uuid, $2, $3, 0, now() + make_interval(secs => $4)) "
    "ON CONFLICT (user_id, purpose) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0, "
    "expires_at = excluded.expires_at, created_at = now()";
constexpr const char* kGetCode =
    "SELECT code_hash, attempts::bigint, expires_at <= now() FROM identity.code "
    "WHERE user_id = $1::uuid AND purpose = $2";
constexpr const char* kCountCodeFailure =
    "UPDATE identity.code SET attempts = attempts + 1 WHERE user_id = $1::uuid AND purpose = $2";
constexpr const char* kConsumeCode =
    "DELETE FROM identity.code WHERE user_id = $1::uuid AND purpose = $2 AND code_hash = $3 "
    "AND expires_at > now() AND attempts < $4 RETURNING 1";
constexpr const char* kDeleteCode =
    "DELETE FROM identity.code WHERE user_id = $1::uuid AND purpose = $2";

constexpr const char* kCreateSession =
    "INSERT INTO identity.session (origin_jti, token_hash, pool_id, client_id, user_id, scope, "
    "auth_time, expires_at) VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7, to_timestamp($8))";
constexpr const char* kFindSession =
    "SELECT origin_jti::text, pool_id, client_id, user_id::text, scope, auth_time, "
    "extract(epoch from expires_at)::bigint, revoked_at IS NOT NULL OR expires_at <= now() "
    "FROM identity.session WHERE token_hash = $1";
constexpr const char* kSessionActive =
    "SELECT 1 FROM identity.session WHERE origin_jti = $1::uuid AND revoked_at IS NULL "
    "AND expires_at > now()";
constexpr const char* kRevokeSession =
    "UPDATE identity.session SET revoked_at = now() WHERE origin_jti = $1::uuid AND revoked_at IS NULL";
constexpr const char* kRevokeUserSessions =
    "UPDATE identity.session SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL";

constexpr const char* kCreateChallenge =
    "INSERT INTO identity.challenge (session_hash, user_id, client_id, name, expires_at) "
    "VALUES ($1, $2::uuid, $3, $4, now() + make_interval(secs => $5))";
constexpr const char* kTakeChallenge =
    "DELETE FROM identity.challenge WHERE session_hash = $1 "
    "RETURNING user_id::text, client_id, name, expires_at <= now()";

constexpr const char* kAddMail =
    "INSERT INTO identity.mailbox (pool_id, username, destination, purpose, code) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kListMail =
    "SELECT id, pool_id, username, destination, purpose, code, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM (SELECT * FROM identity.mailbox ORDER BY id DESC LIMIT $1) m ORDER BY id";

// One statement (data-modifying CTEs), so a purge is one round trip.
constexpr const char* kPurgeExpired =
    "WITH s AS (DELETE FROM identity.session WHERE expires_at < now() - interval '1 day' "
    "  OR revoked_at < now() - interval '1 day' RETURNING 1), "
    "c AS (DELETE FROM identity.challenge WHERE expires_at < now() RETURNING 1), "
    "k AS (DELETE FROM identity.code WHERE expires_at < now() RETURNING 1), "
    "m AS (DELETE FROM identity.mailbox WHERE id <= (SELECT max(id) - 1000 FROM identity.mailbox) "
    "  RETURNING 1) "
    "SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM c) + (SELECT count(*) FROM k) + "
    "(SELECT count(*) FROM m)";

std::vector<MailboxMessage> mail_from(const pg::Rows& rows) {
  std::vector<MailboxMessage> out;
  for (auto r : rows) {
    MailboxMessage m;
    m.id = r.get<int64_t>(0);
    m.pool_id = r.get<std::string>(1);
    m.username = r.get<std::string>(2);
    m.destination = r.get<std::string>(3);
    m.purpose = r.get<std::string>(4);
    m.code = r.get<std::string>(5);
    m.created_at = r.get<std::string>(6);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

Task<Status> Store::put_code(std::string user_id, std::string purpose, std::string hash,
                             int64_t ttl_seconds) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_put_code", kPutCode, user_id, purpose, hash, ttl_seconds));
  co_return ok_status();
}

Task<Result<std::optional<CodeRow>>> Store::get_code(std::string user_id, std::string purpose) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_get_code", kGetCode, user_id, purpose));
  if (rows.empty()) co_return std::optional<CodeRow>();
  CodeRow c;
  c.code_hash = rows[0].get<std::string>(0);
  c.attempts = rows[0].get<int64_t>(1);
  c.expired = rows[0].get<bool>(2);
  co_return std::optional<CodeRow>(std::move(c));
}

Task<Status> Store::count_code_failure(std::string user_id, std::string purpose) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_code_failure", kCountCodeFailure, user_id, purpose));
  co_return ok_status();
}

Task<Result<bool>> Store::consume_code(std::string user_id, std::string purpose, std::string hash,
                                       int64_t max_attempts) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_consume_code", kConsumeCode, user_id,
                                                              purpose, hash, max_attempts));
  co_return !rows.empty();
}

Task<Status> Store::delete_code(std::string user_id, std::string purpose) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_delete_code", kDeleteCode, user_id, purpose));
  co_return ok_status();
}

Task<Status> Store::create_session(Session s, std::string token_hash) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_create_session", kCreateSession, s.origin_jti, token_hash,
                                      s.pool_id, s.client_id, s.user_id, s.scope, s.auth_time,
                                      s.expires_at));
  co_return ok_status();
}

Task<Result<std::optional<Session>>> Store::find_session(std::string token_hash) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_find_session", kFindSession, token_hash));
  if (rows.empty()) co_return std::optional<Session>();
  pg::Row r = rows[0];
  Session s;
  s.origin_jti = r.get<std::string>(0);
  s.pool_id = r.get<std::string>(1);
  s.client_id = r.get<std::string>(2);
  s.user_id = r.get<std::string>(3);
  s.scope = r.get<std::string>(4);
  s.auth_time = r.get<int64_t>(5);
  s.expires_at = r.get<int64_t>(6);
  s.revoked = r.get<bool>(7);
  co_return std::optional<Session>(std::move(s));
}

Task<Result<bool>> Store::session_active(std::string origin_jti) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_session_active", kSessionActive, origin_jti));
  co_return !rows.empty();
}

Task<Status> Store::revoke_session(std::string origin_jti) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_revoke_session", kRevokeSession, origin_jti));
  co_return ok_status();
}

Task<Status> Store::revoke_user_sessions(std::string user_id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_revoke_user_sessions", kRevokeUserSessions, user_id));
  co_return ok_status();
}

Task<Status> Store::create_challenge(std::string session_hash, std::string user_id,
                                     std::string client_id, std::string name, int64_t ttl_seconds) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_create_challenge", kCreateChallenge, session_hash, user_id,
                                      client_id, name, ttl_seconds));
  co_return ok_status();
}

Task<Result<std::optional<ChallengeRow>>> Store::take_challenge(std::string session_hash) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows,
                          co_await lease->prepared("identity_take_challenge", kTakeChallenge, session_hash));
  if (rows.empty()) co_return std::optional<ChallengeRow>();
  ChallengeRow c;
  c.user_id = rows[0].get<std::string>(0);
  c.client_id = rows[0].get<std::string>(1);
  c.name = rows[0].get<std::string>(2);
  c.expired = rows[0].get<bool>(3);
  co_return std::optional<ChallengeRow>(std::move(c));
}

Task<Result<int64_t>> Store::purge_expired() {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_purge_expired", kPurgeExpired));
  co_return rows[0].get<int64_t>(0);
}

Task<Status> Store::add_mail(MailboxMessage m) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_add_mail", kAddMail, m.pool_id, m.username, m.destination,
                                      m.purpose, m.code));
  co_return ok_status();
}

Task<Result<std::vector<MailboxMessage>>> Store::list_mail(int64_t limit) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  co_return co_await read_mailbox(*lease, limit);
}

Task<Result<std::vector<MailboxMessage>>> read_mailbox(pg::Connection& conn, int64_t limit) {
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await conn.query(kListMail, limit));
  co_return mail_from(rows);
}

}  // namespace dts::identity
