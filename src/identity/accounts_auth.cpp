// Accounts: password authentication, challenges, token issuance, refresh, revocation and
// the access-token actions of the Cognito API.

#include <boost/json/serialize.hpp>

#include "common/ids.hpp"
#include "common/log.hpp"
#include "identity/accounts.hpp"
#include "identity/codes.hpp"
#include "identity/faults.hpp"
#include "identity/triggers/triggers.hpp"
#include "identity/username.hpp"

namespace dts::identity {
namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error throttled() {
  return fault(kLimitExceeded, "Attempt limit exceeded, please try after some time.");
}

Error invalid_refresh() { return fault(kNotAuthorized, "Invalid Refresh Token"); }

constexpr const char* kNewPasswordRequired = "NEW_PASSWORD_REQUIRED";
constexpr const char* kSignInScope = "aws.cognito.signin.user.admin";

}  // namespace

Error Accounts::incorrect_credentials() const {
  return fault(kNotAuthorized, "Incorrect username or password.");
}

Task<Result<User>> Accounts::authenticate_password(std::string pool_id, std::string username,
                                                   std::string password, std::string ip) {
  std::string ip_key = "ip:" + ip;
  auto name = normalize_username(username);
  // A malformed name cannot exist; it is throttled and answered like any unknown user.
  std::string user_key = "user:" + pool_id + "/" + (name.ok() ? name->key : username.substr(0, 512));
  if (ip_failures_.blocked(ip_key) || user_failures_.blocked(user_key)) co_return throttled();
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    // Still pay the Argon2 cost: the response time must not depend on the input shape.
    DTS_CO_TRY(co_await passwords_.verify_dummy(password.substr(0, kMaxPasswordBytes)));
    ip_failures_.record_failure(ip_key);
    user_failures_.record_failure(user_key);
    co_return incorrect_credentials();
  }
  Result<User> user = not_found("user does not exist");
  if (name.ok()) {
    std::string key = name->key;
    user = co_await store_.find_user(pool_id, key);
    if (!user.ok() && user.error().code() != Code::kNotFound) co_return user.error();
  }
  if (!user.ok()) {
    DTS_CO_TRY(co_await passwords_.verify_dummy(password));
    ip_failures_.record_failure(ip_key);
    user_failures_.record_failure(user_key);
    co_return incorrect_credentials();
  }
  std::string hash = user->password_hash;
  DTS_CO_ASSIGN_OR_RETURN(auto verdict, co_await passwords_.verify(hash, password));
  if (!verdict.matches) {
    ip_failures_.record_failure(ip_key);
    user_failures_.record_failure(user_key);
    co_return incorrect_credentials();
  }
  user_failures_.reset(user_key);
  // Refused only after the password proved who is asking, so these reveal nothing to
  // someone guessing names.
  if (!user->enabled) co_return fault(kNotAuthorized, "User is disabled.");
  if (user->status == UserStatus::kUnconfirmed) {
    co_return fault(kUserNotConfirmed, "User is not confirmed.");
  }
  if (user->status == UserStatus::kResetRequired) {
    co_return fault(kPasswordResetRequired, "Password reset required for the user");
  }
  if (user->status == UserStatus::kForceChangePassword &&
      now_seconds() - user->updated_at > options_.policy.temporary_password_validity_days * 86400) {
    co_return fault(kNotAuthorized,
                    "Temporary password has expired and must be reset by an administrator.");
  }
  if (verdict.needs_rehash) {
    // Parameters were raised since this hash was made: upgrade it now (best effort).
    auto upgraded = co_await passwords_.hash(password);
    if (upgraded.ok()) {
      std::string id = user->id;
      std::string new_hash = *upgraded;
      auto saved = co_await store_.set_password(id, new_hash, user->status);
      if (saved.ok()) user->password_hash = new_hash;
    }
  }
  co_return user;
}

Task<Result<AuthOutcome>> Accounts::initiate_password_auth(AppClient client, std::string username,
                                                           std::string password, std::string ip) {
  if (!client.allows_flow("ALLOW_USER_PASSWORD_AUTH")) {
    co_return fault(kInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client");
  }
  std::string pool_id = client.pool_id;
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await authenticate_password(pool_id, username, password, ip));
  AuthOutcome out;
  if (user.status == UserStatus::kForceChangePassword) {
    out.challenge_name = kNewPasswordRequired;
    out.session = random_token(48);
    std::string hash = sha256_hex(out.session);
    std::string user_id = user.id;
    std::string client_id = client.id;
    std::string name = kNewPasswordRequired;
    int64_t ttl = options_.challenge_ttl.count();
    DTS_CO_TRY(co_await store_.create_challenge(hash, user_id, client_id, name, ttl));
    out.user = std::move(user);
    co_return out;
  }
  DTS_CO_ASSIGN_OR_RETURN(UserPool pool, co_await this->pool(pool_id));
  std::string scope = kSignInScope;
  std::optional<std::string> nonce;
  std::string source = triggers::kTokenAuthentication;
  DTS_CO_ASSIGN_OR_RETURN(IssuedTokens tokens, co_await issue_tokens(pool, client, user, scope,
                                                                     now_seconds(), nonce, true, source));
  out.tokens = std::move(tokens);
  out.user = std::move(user);
  co_return out;
}

Task<Result<IssuedTokens>> Accounts::respond_new_password(AppClient client, std::string session,
                                                          std::string username,
                                                          std::string new_password,
                                                          Attributes attributes) {
  Error invalid_session = fault(kNotAuthorized, "Invalid session for the user, session is expired.");
  if (session.empty() || session.size() > 2048) co_return invalid_session;
  DTS_CO_TRY(check_password_policy(options_.policy, new_password));
  std::string hash = sha256_hex(session);
  DTS_CO_ASSIGN_OR_RETURN(auto challenge, co_await store_.take_challenge(hash));
  if (!challenge || challenge->expired || challenge->client_id != client.id ||
      challenge->name != kNewPasswordRequired) {
    co_return invalid_session;
  }
  std::string user_id = challenge->user_id;
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await get_user(user_id));
  auto name = normalize_username(username);
  if (!name.ok() || name->key != user.username_key) co_return invalid_session;
  if (user.status != UserStatus::kForceChangePassword) co_return invalid_session;
  DTS_CO_ASSIGN_OR_RETURN(std::string password_hash, co_await passwords_.hash(new_password));
  DTS_CO_TRY(co_await store_.set_password(user_id, password_hash, UserStatus::kConfirmed));
  if (!attributes.empty()) {
    for (auto& [k, v] : attributes) user.attributes[k] = v;
    Attributes merged = user.attributes;
    DTS_CO_TRY(co_await store_.set_attributes(user_id, merged));
  }
  user.status = UserStatus::kConfirmed;
  std::string pool_id = client.pool_id;
  DTS_CO_ASSIGN_OR_RETURN(UserPool pool, co_await this->pool(pool_id));
  std::string scope = kSignInScope;
  std::optional<std::string> nonce;
  std::string source = triggers::kTokenNewPassword;
  co_return co_await issue_tokens(pool, client, user, scope, now_seconds(), nonce, true, source);
}

Task<Result<triggers::TokenCustomization>> Accounts::customize_tokens(
    std::string source, const User& user, const AppClient& client, const std::vector<Group>& groups,
    const std::string& scope) {
  if (triggers_ == nullptr || !triggers_->has_pre_token_generation()) {
    co_return triggers::TokenCustomization{};
  }
  User u = user;
  std::string client_id = client.id;
  std::vector<Group> g = groups;
  std::string s = scope;
  co_return co_await triggers_->pre_token_generation(std::move(source), std::move(u),
                                                     std::move(client_id), std::move(g),
                                                     std::move(s));
}

Task<Result<IssuedTokens>> Accounts::issue_tokens(UserPool pool, AppClient client, User user,
                                                  std::string scope, int64_t auth_time,
                                                  std::optional<std::string> nonce,
                                                  bool with_refresh, std::string trigger_source) {
  std::string user_id = user.id;
  DTS_CO_ASSIGN_OR_RETURN(auto groups, co_await user_groups(user_id));
  // The hook first: if it fails, no session is stored and no token minted.
  DTS_CO_ASSIGN_OR_RETURN(triggers::TokenCustomization custom,
                          co_await customize_tokens(std::move(trigger_source), user, client,
                                                    groups, scope));
  TokenSubject subject;
  subject.customization = &custom;
  subject.pool = &pool;
  subject.client = &client;
  subject.user = &user;
  for (const auto& g : groups) subject.groups.push_back(g.name);
  subject.scope = scope;
  subject.auth_time = auth_time;
  subject.origin_jti = ids::new_uuid_v4();
  subject.nonce = nonce;
  subject.event_id = ids::new_uuid_v4();
  IssuedTokens out;
  if (with_refresh) {
    out.refresh_token = random_token(48);
    Session session;
    session.origin_jti = subject.origin_jti;
    session.pool_id = pool.id;
    session.client_id = client.id;
    session.user_id = user.id;
    session.scope = scope;
    session.auth_time = auth_time;
    session.expires_at = now_seconds() + client.refresh_token_ttl_s;
    std::string hash = sha256_hex(out.refresh_token);
    DTS_CO_TRY(co_await store_.create_session(session, hash));
  }
  auto now = std::chrono::system_clock::now();
  DTS_CO_ASSIGN_OR_RETURN(out.id_token, issuer_.mint_id_token(subject, now));
  DTS_CO_ASSIGN_OR_RETURN(out.access_token, issuer_.mint_access_token(subject, now));
  out.expires_in = client.access_token_ttl_s;
  co_return out;
}

Task<Result<IssuedTokens>> Accounts::refresh(AppClient client, std::string refresh_token) {
  if (!client.allows_flow("ALLOW_REFRESH_TOKEN_AUTH")) {
    co_return fault(kInvalidParameter, "REFRESH_TOKEN_AUTH flow not enabled for this client");
  }
  if (refresh_token.empty() || refresh_token.size() > 4096) co_return invalid_refresh();
  std::string hash = sha256_hex(refresh_token);
  DTS_CO_ASSIGN_OR_RETURN(auto session, co_await store_.find_session(hash));
  if (!session || session->client_id != client.id) co_return invalid_refresh();
  if (session->revoked) co_return fault(kNotAuthorized, "Refresh Token has been revoked");
  std::string user_id = session->user_id;
  auto user = co_await get_user(user_id);
  if (!user.ok()) co_return invalid_refresh();
  if (!user->enabled) co_return fault(kNotAuthorized, "User is disabled.");
  std::string pool_id = session->pool_id;
  DTS_CO_ASSIGN_OR_RETURN(UserPool pool, co_await this->pool(pool_id));
  DTS_CO_ASSIGN_OR_RETURN(auto groups, co_await user_groups(user_id));
  std::string source = triggers::kTokenRefresh;
  std::string scope = session->scope;
  DTS_CO_ASSIGN_OR_RETURN(triggers::TokenCustomization custom,
                          co_await customize_tokens(source, *user, client, groups, scope));
  TokenSubject subject;
  subject.customization = &custom;
  subject.pool = &pool;
  subject.client = &client;
  subject.user = &*user;
  for (const auto& g : groups) subject.groups.push_back(g.name);
  subject.scope = session->scope;
  subject.auth_time = session->auth_time;
  subject.origin_jti = session->origin_jti;
  subject.event_id = ids::new_uuid_v4();
  IssuedTokens out;
  auto now = std::chrono::system_clock::now();
  DTS_CO_ASSIGN_OR_RETURN(out.id_token, issuer_.mint_id_token(subject, now));
  DTS_CO_ASSIGN_OR_RETURN(out.access_token, issuer_.mint_access_token(subject, now));
  out.expires_in = client.access_token_ttl_s;
  co_return out;
}

Task<Status> Accounts::revoke_refresh_token(AppClient client, std::string refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 4096) co_return ok_status();
  std::string hash = sha256_hex(refresh_token);
  DTS_CO_ASSIGN_OR_RETURN(auto session, co_await store_.find_session(hash));
  // A token of another client is not revocable by this one (RFC 7009 §2.1), silently.
  if (!session || session->client_id != client.id) co_return ok_status();
  std::string jti = session->origin_jti;
  co_return co_await store_.revoke_session(jti);
}

Task<Result<User>> Accounts::user_for_access_token(std::string access_token) {
  if (access_token.empty()) co_return fault(kNotAuthorized, "Invalid Access Token");
  DTS_CO_ASSIGN_OR_RETURN(AccessClaims claims,
                          issuer_.verify_access_token(access_token, std::chrono::system_clock::now()));
  if (!ids::is_valid_uuid(claims.origin_jti)) co_return fault(kNotAuthorized, "Invalid Access Token");
  std::string jti = claims.origin_jti;
  DTS_CO_ASSIGN_OR_RETURN(bool active, co_await store_.session_active(jti));
  if (!active) co_return fault(kNotAuthorized, "Access Token has been revoked");
  auto user = co_await get_user(claims.sub);
  if (!user.ok() || user->pool_id != claims.pool_id) {
    co_return fault(kNotAuthorized, "Access Token has been revoked");
  }
  if (!user->enabled) co_return fault(kNotAuthorized, "User is disabled.");
  co_return user;
}

Task<Status> Accounts::change_password(std::string access_token, std::string previous,
                                       std::string proposed, std::string ip) {
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await user_for_access_token(access_token));
  DTS_CO_TRY(check_password_policy(options_.policy, proposed));
  // The old password is checked through the same throttled path as sign-in.
  std::string pool_id = user.pool_id;
  std::string username = user.username;
  DTS_CO_ASSIGN_OR_RETURN(User checked, co_await authenticate_password(pool_id, username, previous, ip));
  DTS_CO_ASSIGN_OR_RETURN(std::string hash, co_await passwords_.hash(proposed));
  std::string id = checked.id;
  co_return co_await store_.set_password(id, hash, checked.status);
}

Task<Status> Accounts::global_sign_out(std::string access_token) {
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await user_for_access_token(access_token));
  std::string id = user.id;
  DTS_CO_TRY(co_await store_.revoke_user_sessions(id));
  log::info("global sign-out", {{"pool_id", user.pool_id}, {"sub", user.id}});
  co_return ok_status();
}

}  // namespace dts::identity
