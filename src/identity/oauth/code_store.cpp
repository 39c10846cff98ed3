#include "identity/oauth/code_store.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/pg/co_try.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::oauth {
namespace {

using boost::asio::awaitable;

constexpr const char* kInsert =
    "INSERT INTO identity.authorization_codes (code_hash, client_id, user_sub, redirect_uri, "
    "scope, code_challenge, code_challenge_method, nonce, auth_time, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10::bigint))";

constexpr const char* kConsume =
    "UPDATE identity.authorization_codes SET consumed_at = now() "
    "WHERE code_hash = $1 AND consumed_at IS NULL "
    "RETURNING client_id, user_sub, redirect_uri, scope, code_challenge, nonce, auth_time, "
    "  extract(epoch FROM expires_at)::bigint";

constexpr const char* kLookupConsumed =
    "SELECT origin_jti FROM identity.authorization_codes WHERE code_hash = $1";

constexpr const char* kSetOrigin =
    "UPDATE identity.authorization_codes SET origin_jti = $2 WHERE code_hash = $1";

constexpr const char* kPurge =
    "DELETE FROM identity.authorization_codes WHERE expires_at < to_timestamp($1::bigint)";

std::string code_hash(std::string_view code) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(code.data()), code.size(), d);
  return jwt::hex_encode(std::string_view(reinterpret_cast<char*>(d), sizeof d));
}

int64_t seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

awaitable<Result<std::string>> CodeStore::create(AuthorizationCode c) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    co_return internal_error("no randomness for an authorization code");
  }
  std::string code = jwt::base64url_encode(std::string_view(reinterpret_cast<char*>(raw), 32));
  std::string hash = code_hash(code);
  std::optional<std::string> method;
  if (c.code_challenge) {
    method = "S256";
  }
  DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_code_insert", kInsert, hash, c.client_id,
                                      c.user_sub, c.redirect_uri, c.scope, c.code_challenge,
                                      method, c.nonce, c.auth_time, c.expires_at));
  co_return code;
}

awaitable<Result<Redeemed>> CodeStore::redeem(std::string code, TimePoint now) {
  Redeemed out;
  if (code.empty() || code.size() > 256) {
    co_return out;  // kUnknown: not one of ours
  }
  std::string hash = code_hash(code);
  DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(pg::Rows rows,
                          co_await lease->prepared("identity_code_consume", kConsume, hash));
  if (rows.empty()) {
    DTS_CO_ASSIGN_OR_RETURN(pg::Rows seen, co_await lease->prepared("identity_code_lookup",
                                                                    kLookupConsumed, hash));
    if (!seen.empty()) {
      out.outcome = Redeemed::Outcome::kReplayed;
      out.origin_jti = seen[0].opt<std::string>(0);
    }
    co_return out;
  }
  pg::Row r = rows[0];
  out.code.client_id = r.get<std::string>(0);
  out.code.user_sub = r.get<std::string>(1);
  out.code.redirect_uri = r.get<std::string>(2);
  out.code.scope = r.get<std::string>(3);
  out.code.code_challenge = r.opt<std::string>(4);
  out.code.nonce = r.opt<std::string>(5);
  out.code.auth_time = r.get<int64_t>(6);
  out.code.expires_at = r.get<int64_t>(7);
  out.outcome = out.code.expires_at <= seconds(now) ? Redeemed::Outcome::kExpired
                                                    : Redeemed::Outcome::kOk;
  co_return out;
}

awaitable<Status> CodeStore::set_origin(std::string code, std::string origin_jti) {
  std::string hash = code_hash(code);
  DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_code_origin", kSetOrigin, hash, origin_jti));
  co_return ok_status();
}

awaitable<Result<int64_t>> CodeStore::purge(TimePoint now, std::chrono::seconds keep) {
  int64_t cutoff = seconds(now - keep);
  DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(pg::Rows rows, co_await lease->prepared("identity_code_purge", kPurge,
                                                                  cutoff));
  co_return rows.affected();
}

}  // namespace dts::identity::oauth
