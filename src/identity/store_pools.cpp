#include "common/pg/co_try.hpp"
#include "identity/store.hpp"
#include "identity/store_rows.hpp"

namespace dts::identity {
namespace {

constexpr const char* kEnsurePool =
    "INSERT INTO identity.user_pool (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
constexpr const char* kGetPool =
    "SELECT id, name, extract(epoch from created_at)::bigint FROM identity.user_pool WHERE id = $1";
// Settings from the environment win at every start (the env is the source of truth for the
// bootstrap client), so changing IDENTITY_SPA_CALLBACK_URLS and restarting applies it.
constexpr const char* kUpsertClient =
    "INSERT INTO identity.app_client (id, pool_id, name, secret, callback_urls, logout_urls, "
    "allowed_scopes, allowed_oauth_flows, explicit_auth_flows, access_token_ttl_s, "
    "id_token_ttl_s, refresh_token_ttl_s) VALUES ($1, $2, $3, $4, "
    "ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), "
    "ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), "
    "ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), "
    "ARRAY(SELECT jsonb_array_elements_text($8::jsonb)), "
    "ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), $10, $11, $12) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, secret = excluded.secret, "
    "callback_urls = excluded.callback_urls, logout_urls = excluded.logout_urls, "
    "allowed_scopes = excluded.allowed_scopes, allowed_oauth_flows = excluded.allowed_oauth_flows, "
    "explicit_auth_flows = excluded.explicit_auth_flows, "
    "access_token_ttl_s = excluded.access_token_ttl_s, id_token_ttl_s = excluded.id_token_ttl_s, "
    "refresh_token_ttl_s = excluded.refresh_token_ttl_s, updated_at = now() "
    "WHERE app_client.pool_id = excluded.pool_id";
constexpr const char* kGetClient =
    "SELECT id, pool_id, name, secret, array_to_json(callback_urls)::text, "
    "array_to_json(logout_urls)::text, array_to_json(allowed_scopes)::text, "
    "array_to_json(allowed_oauth_flows)::text, array_to_json(explicit_auth_flows)::text, "
    "access_token_ttl_s::bigint, id_token_ttl_s::bigint, refresh_token_ttl_s::bigint "
    "FROM identity.app_client WHERE id = $1";

}  // namespace

Task<Status> Store::ensure_pool(UserPool pool) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_TRY(co_await lease->prepared("identity_ensure_pool", kEnsurePool, pool.id, pool.name));
  co_return ok_status();
}

Task<Result<UserPool>> Store::get_pool(std::string id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_get_pool", kGetPool, id));
  if (rows.empty()) co_return not_found("user pool does not exist");
  UserPool p;
  p.id = rows[0].get<std::string>(0);
  p.name = rows[0].get<std::string>(1);
  p.created_at = rows[0].get<int64_t>(2);
  co_return p;
}

Task<Status> Store::upsert_client(AppClient c) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  std::string callbacks = detail::string_array_json(c.callback_urls);
  std::string logouts = detail::string_array_json(c.logout_urls);
  std::string scopes = detail::string_array_json(c.allowed_scopes);
  std::string oauth = detail::string_array_json(c.allowed_oauth_flows);
  std::string flows = detail::string_array_json(c.explicit_auth_flows);
  DTS_CO_ASSIGN_OR_RETURN(
      auto rows, co_await lease->prepared("identity_upsert_client", kUpsertClient, c.id, c.pool_id, c.name,
                                          c.secret, callbacks, logouts, scopes, oauth, flows,
                                          c.access_token_ttl_s, c.id_token_ttl_s, c.refresh_token_ttl_s));
  // 0 rows: the id exists in another pool; never move a client between pools silently.
  if (rows.affected() == 0) co_return conflict("app client " + c.id + " belongs to another pool");
  co_return ok_status();
}

Task<Result<AppClient>> Store::get_client(std::string id) {
  DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool_.acquire());
  DTS_CO_ASSIGN_OR_RETURN(auto rows, co_await lease->prepared("identity_get_client", kGetClient, id));
  if (rows.empty()) co_return not_found("app client does not exist");
  pg::Row r = rows[0];
  AppClient c;
  c.id = r.get<std::string>(0);
  c.pool_id = r.get<std::string>(1);
  c.name = r.get<std::string>(2);
  c.secret = r.opt<std::string>(3);
  c.callback_urls = detail::string_array_from(r.get<std::string_view>(4));
  c.logout_urls = detail::string_array_from(r.get<std::string_view>(5));
  c.allowed_scopes = detail::string_array_from(r.get<std::string_view>(6));
  c.allowed_oauth_flows = detail::string_array_from(r.get<std::string_view>(7));
  c.explicit_auth_flows = detail::string_array_from(r.get<std::string_view>(8));
  c.access_token_ttl_s = r.get<int64_t>(9);
  c.id_token_ttl_s = r.get<int64_t>(10);
  c.refresh_token_ttl_s = r.get<int64_t>(11);
  co_return c;
}

}  // namespace dts::identity
