#include "identity/key_store.hpp"

#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>

#include "common/pg/co_try.hpp"
#include "common/pg/transaction.hpp"
#include "jwt/jwk.hpp"

namespace dts::identity {
namespace {

using boost::asio::awaitable;

constexpr const char* kLoadKeys =
    "SELECT kid, private_key_sealed, kek_id, "
    "  (extract(epoch FROM created_at) * 1000)::bigint, "
    "  (extract(epoch FROM activates_at) * 1000)::bigint, "
    "  (extract(epoch FROM retires_at) * 1000)::bigint "
    "FROM identity.signing_keys "
    "WHERE retires_at IS NULL OR retires_at > to_timestamp($1::bigint / 1000.0) "
    "ORDER BY activates_at, created_at";

constexpr const char* kLock = "SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))";

constexpr const char* kInsertKey =
    "INSERT INTO identity.signing_keys "
    "(kid, alg, public_jwk, private_key_sealed, kek_id, created_at, activates_at) "
    "VALUES ($1, 'RS256', $2::jsonb, $3, $4, to_timestamp($5::bigint / 1000.0), "
    "        to_timestamp($5::bigint / 1000.0))";

constexpr const char* kRetireKey =
    "UPDATE identity.signing_keys SET retires_at = to_timestamp($2::bigint / 1000.0) "
    "WHERE kid = $1 AND (retires_at IS NULL OR retires_at > to_timestamp($2::bigint / 1000.0))";

int64_t to_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_millis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

}  // namespace

awaitable<Result<std::vector<SigningKey>>> KeyStore::load_on(pg::Connection& conn, TimePoint now) {
  int64_t now_ms = to_millis(now);
  DTS_CO_ASSIGN_OR_RETURN(pg::Rows rows, co_await conn.prepared("identity_load_keys", kLoadKeys,
                                                                now_ms));
  std::vector<SigningKey> keys;
  for (pg::Row row : rows) {
    std::string kid = row.get<std::string>(0);
    std::string_view kek_id = row.get<std::string_view>(2);
    if (kek_id != kek_.kek_id()) {
      co_return failed_precondition("signing key " + kid + " is sealed with KEK " +
                                    std::string(kek_id) + ", but IDENTITY_KEY_ENCRYPTION_KEY is " +
                                    kek_.kek_id());
    }
    auto pem = kek_.open(row.get<std::string_view>(1), kid);
    if (!pem.ok()) {
      co_return Error(pem.error().code(), "signing key " + kid + ": " + pem.error().message());
    }
    auto key = jwt::Key::from_pem(*pem);
    OPENSSL_cleanse(pem->data(), pem->size());
    if (!key.ok()) {
      co_return internal_error("signing key " + kid + ": " + key.error().message());
    }
    key->set_kid(kid);
    key->set_alg(jwt::Alg::kRS256);
    key->set_use("sig");
    SigningKey k{std::move(*key), from_millis(row.get<int64_t>(3)),
                 from_millis(row.get<int64_t>(4)), std::nullopt};
    if (auto retires = row.opt<int64_t>(5)) {
      k.retires_at = from_millis(*retires);
    }
    keys.push_back(std::move(k));
  }
  co_return keys;
}

awaitable<Result<std::vector<SigningKey>>> KeyStore::load(TimePoint now) {
  DTS_CO_ASSIGN_OR_RETURN(pg::Lease lease, co_await pool_.acquire());
  co_return co_await load_on(*lease, now);
}

awaitable<Result<std::vector<SigningKey>>> KeyStore::rotate(TimePoint now, RotationPolicy policy,
                                                             bool force) {
  auto body = [this, now, policy, force](
                  pg::Connection& conn) -> awaitable<Result<std::vector<SigningKey>>> {
    DTS_CO_TRY(co_await conn.query(kLock));
    DTS_CO_ASSIGN_OR_RETURN(std::vector<SigningKey> keys, co_await load_on(conn, now));
    RotationPlan plan = plan_rotation(keys, now, policy, force);
    std::optional<jwt::Key> fresh;
    if (plan.create) {
      DTS_CO_ASSIGN_OR_RETURN(jwt::Key key, generate_signing_key());
      DTS_CO_ASSIGN_OR_RETURN(boost::json::object jwk, jwt::key_to_public_jwk(key));
      DTS_CO_ASSIGN_OR_RETURN(std::string pem, key.to_private_pem());
      auto sealed = kek_.seal(pem, key.kid());
      OPENSSL_cleanse(pem.data(), pem.size());
      if (!sealed.ok()) {
        co_return sealed.error();
      }
      std::string jwk_text = boost::json::serialize(jwk);
      int64_t now_ms = to_millis(now);
      DTS_CO_TRY(co_await conn.prepared("identity_insert_key", kInsertKey, key.kid(), jwk_text,
                                        *sealed, kek_.kek_id(), now_ms));
      fresh = std::move(key);
    }
    if (!plan.supersede.empty()) {
      int64_t retire_ms = to_millis(plan.supersede_retires_at);
      DTS_CO_TRY(co_await conn.prepared("identity_retire_key", kRetireKey, plan.supersede,
                                        retire_ms));
    }
    apply_rotation(keys, plan, now, std::move(fresh));
    co_return keys;
  };
  co_return co_await pg::transact(pool_, pg::Isolation::kReadCommitted, std::move(body));
}

}  // namespace dts::identity
