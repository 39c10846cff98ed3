// /oauth2/token: the three grants, with RFC 6749 §5.2 errors in Cognito's JSON shape.
#include <algorithm>

#include "common/ids.hpp"
#include "common/pg/co_try.hpp"
#include "common/log.hpp"
#include "identity/oauth/client_auth.hpp"
#include "identity/oauth/errors.hpp"
#include "identity/oauth/pkce.hpp"
#include "identity/oauth/provider.hpp"
#include "identity/faults.hpp"
#include "identity/tokens.hpp"

namespace dts::identity::oauth {

using http::Request;
using http::Response;

namespace {

constexpr size_t kMaxTokenParam = 4096;

std::string first(const Params& p, std::string_view name) {
  for (const auto& [k, v] : p) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

Response server_error() {
  return error_response({"server_error", "the request could not be completed, try again", 503});
}

// A failed pre-token-generation hook: no tokens, and the Cognito error text for the client
// (the hook's own message is meant for it, as Cognito relays a Lambda's errorMessage).
std::optional<OAuthError> hook_error(const Error& e) {
  std::string_view type = fault_type(e);
  if (type != kUserLambdaValidation && type != kUnexpectedLambda && type != kInvalidLambdaResponse) {
    return std::nullopt;
  }
  FaultView f = describe_fault(e);
  return invalid_request(f.type + ": " + f.message);
}

Response tokens_response(const IssuedTokens& t) {
  boost::json::object body;
  if (!t.id_token.empty()) {
    body["id_token"] = t.id_token;
  }
  body["access_token"] = t.access_token;
  if (!t.refresh_token.empty()) {
    body["refresh_token"] = t.refresh_token;
  }
  body["expires_in"] = t.expires_in;
  body["token_type"] = "Bearer";
  Response r = Response::json(body);
  no_store(r);
  return r;
}

}  // namespace

Task<std::variant<AppClient, Response>> Provider::authenticated_client(const Request& req,
                                                                      const Params& form) {
  auto creds = read_client_credentials(req.header("Authorization"), form);
  if (!creds.ok()) {
    co_return error_response(creds.error().code() == Code::kUnauthenticated
                                 ? invalid_client(creds.error().message(), true)
                                 : invalid_request(creds.error().message()));
  }
  auto client = co_await find_client(creds->client_id);
  if (!client || !authenticate_client(*client, *creds).ok()) {
    co_return error_response(invalid_client("client authentication failed", creds->via_basic));
  }
  co_return std::move(*client);
}

Task<Response> Provider::token(Request& req) {
  if (!http::iequals(req.header("Content-Type").substr(0, 33), "application/x-www-form-urlencoded")) {
    co_return error_response(invalid_request("body must be application/x-www-form-urlencoded"));
  }
  auto form = http::parse_form(req.body);
  if (!form) {
    co_return error_response(invalid_request("malformed form body"));
  }
  for (const auto& [k, v] : *form) {
    if (v.size() > kMaxTokenParam) {
      co_return error_response(invalid_grant("parameter " + k + " is too long"));
    }
  }
  std::string grant = first(*form, "grant_type");
  if (grant.empty()) {
    co_return error_response(invalid_request("grant_type is required"));
  }
  auto authenticated = co_await authenticated_client(req, *form);
  if (auto* refusal = std::get_if<Response>(&authenticated)) {
    co_return std::move(*refusal);
  }
  const AppClient* client = &std::get<AppClient>(authenticated);
  if (grant == "authorization_code") {
    co_return co_await token_authorization_code(*client, *form);
  }
  if (grant == "refresh_token") {
    co_return co_await token_refresh(*client, *form);
  }
  if (grant == "client_credentials") {
    co_return co_await token_client_credentials(*client, *form);
  }
  co_return error_response(unsupported_grant_type("grant_type " + grant + " is not supported"));
}

Task<Response> Provider::token_authorization_code(const AppClient& client, const Params& form) {
  if (std::find(client.allowed_oauth_flows.begin(), client.allowed_oauth_flows.end(), "code") ==
      client.allowed_oauth_flows.end()) {
    co_return error_response(unauthorized_client("the client may not use the code flow"));
  }
  std::string code = first(form, "code");
  std::string redirect_uri = first(form, "redirect_uri");
  if (code.empty() || redirect_uri.empty()) {
    co_return error_response(invalid_request("code and redirect_uri are required"));
  }
  // Consume first, check after: a code that fails any check is burned too, so a stolen code
  // cannot be retried against the PKCE verifier.
  auto redeemed = co_await deps_.codes.redeem(code, Clock::now());
  if (!redeemed.ok()) {
    log::warn("authorization code redemption failed", {{"error", redeemed.error().to_string()}});
    co_return server_error();
  }
  switch (redeemed->outcome) {
    case Redeemed::Outcome::kUnknown:
      co_return error_response(invalid_grant("invalid authorization code"));
    case Redeemed::Outcome::kReplayed:
      if (redeemed->origin_jti) {
        // RFC 6749 §4.1.2: a code used twice revokes what the first use produced.
        Status st = co_await deps_.store.revoke_session(*redeemed->origin_jti);
        log::warn("authorization code replayed; its tokens are revoked",
                  {{"client_id", client.id}, {"revoked", st.ok()}});
      }
      co_return error_response(invalid_grant("authorization code already used"));
    case Redeemed::Outcome::kExpired:
      co_return error_response(invalid_grant("authorization code expired"));
    case Redeemed::Outcome::kOk:
      break;
  }
  const AuthorizationCode& c = redeemed->code;
  if (c.client_id != client.id) {
    co_return error_response(invalid_grant("the code was issued to another client"));
  }
  if (c.redirect_uri != redirect_uri) {
    co_return error_response(invalid_grant("redirect_uri does not match the authorization request"));
  }
  std::string verifier = first(form, "code_verifier");
  if (c.code_challenge) {
    if (!verify_pkce(*c.code_challenge, verifier).ok()) {
      co_return error_response(invalid_grant("code_verifier does not match the code_challenge"));
    }
  } else if (!verifier.empty()) {
    co_return error_response(invalid_grant("no code_challenge was sent for this code"));
  }
  std::string origin_jti = ids::new_uuid_v4();
  std::string source = triggers::kTokenHostedAuth;
  auto tokens =
      co_await mint_for_user(client, c.user_sub, c.scope, c.auth_time, origin_jti, c.nonce, source);
  if (!tokens.ok()) {
    if (tokens.error().code() == Code::kPermissionDenied) {
      co_return error_response(invalid_grant(tokens.error().message()));
    }
    if (auto hook = hook_error(tokens.error())) {
      co_return error_response(*hook);
    }
    log::warn("token issuance failed", {{"error", tokens.error().to_string()}});
    co_return server_error();
  }
  // The session (refresh token) is stored before the code learns its family, so a replay
  // racing this request finds something to revoke.
  Session session;
  session.origin_jti = origin_jti;
  session.pool_id = client.pool_id;
  session.client_id = client.id;
  session.user_id = c.user_sub;
  session.scope = c.scope;
  session.auth_time = c.auth_time;
  session.expires_at =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count() +
      client.refresh_token_ttl_s;
  tokens->refresh_token = new_refresh_token();
  std::string hash = hash_refresh_token(tokens->refresh_token);
  Status stored = co_await deps_.store.create_session(std::move(session), std::move(hash));
  if (!stored.ok()) {
    log::warn("session not stored", {{"error", stored.error().to_string()}});
    co_return server_error();
  }
  Status linked = co_await deps_.codes.set_origin(code, origin_jti);
  if (!linked.ok()) {
    log::warn("authorization code family not recorded", {{"error", linked.error().to_string()}});
  }
  co_return tokens_response(*tokens);
}

Task<Response> Provider::token_refresh(const AppClient& client, const Params& form) {
  std::string refresh = first(form, "refresh_token");
  if (refresh.empty()) {
    co_return error_response(invalid_request("refresh_token is required"));
  }
  auto session = co_await deps_.store.find_session(hash_refresh_token(refresh));
  if (!session.ok()) {
    co_return server_error();
  }
  if (!*session || (*session)->revoked) {
    co_return error_response(invalid_grant("Invalid Refresh Token"));
  }
  const Session& s = **session;
  if (s.client_id != client.id) {
    co_return error_response(invalid_grant("Invalid Refresh Token"));
  }
  std::string source = triggers::kTokenRefresh;
  std::optional<std::string> no_nonce;
  auto tokens = co_await mint_for_user(client, s.user_id, s.scope, s.auth_time, s.origin_jti,
                                       no_nonce, source);
  if (!tokens.ok()) {
    if (tokens.error().code() == Code::kPermissionDenied) {
      co_return error_response(invalid_grant(tokens.error().message()));
    }
    if (auto hook = hook_error(tokens.error())) {
      co_return error_response(*hook);
    }
    co_return server_error();
  }
  co_return tokens_response(*tokens);
}

Task<Response> Provider::token_client_credentials(const AppClient& client, const Params& form) {
  if (client.is_public() ||
      std::find(client.allowed_oauth_flows.begin(), client.allowed_oauth_flows.end(),
                "client_credentials") == client.allowed_oauth_flows.end()) {
    co_return error_response(unauthorized_client("the client may not use client_credentials"));
  }
  // Cognito: only custom (resource-server) scopes; none requested = all of them.
  std::vector<std::string> allowed;
  for (const std::string& s : client.allowed_scopes) {
    if (s.find('/') != std::string::npos) {
      allowed.push_back(s);
    }
  }
  auto scopes = grant_scopes(first(form, "scope"), allowed);
  if (!scopes || scopes->empty()) {
    co_return error_response(invalid_scope("a requested scope is not allowed for this client"));
  }
  auto pool = co_await deps_.store.get_pool(client.pool_id);
  if (!pool.ok()) {
    co_return server_error();
  }
  auto ring = deps_.keys.ring();
  TokenSettings settings{deps_.issuer.issuer_for(client.pool_id), std::chrono::seconds(client.id_token_ttl_s),
                         std::chrono::seconds(client.access_token_ttl_s)};
  TokenMinter minter(std::move(settings));
  auto minted = minter.mint_client_token(*ring, client.id, *scopes, Clock::now());
  if (!minted.ok()) {
    co_return server_error();
  }
  IssuedTokens t;
  t.access_token = std::move(minted->access_token);
  t.expires_in = minted->expires_in;
  co_return tokens_response(t);
}

Task<Result<IssuedTokens>> Provider::mint_for_user(const AppClient& client,
                                                   const std::string& user_id,
                                                   const std::string& scope, int64_t auth_time,
                                                   const std::string& origin_jti,
                                                   std::optional<std::string> nonce,
                                                   std::string trigger_source) {
  auto user = co_await deps_.store.get_user(user_id);
  if (!user.ok()) {
    if (user.error().code() == Code::kNotFound) {
      co_return permission_denied("the user no longer exists");
    }
    co_return user.error();
  }
  if (!user->enabled) {
    co_return permission_denied("User is disabled.");
  }
  if (user->status != UserStatus::kConfirmed) {
    co_return permission_denied("User is not confirmed.");
  }
  auto groups = co_await deps_.store.user_groups(user_id);
  if (!groups.ok()) {
    co_return groups.error();
  }
  auto pool = co_await deps_.store.get_pool(client.pool_id);
  if (!pool.ok()) {
    co_return pool.error();
  }
  std::stable_sort(groups->begin(), groups->end(), [](const Group& a, const Group& b) {
    int64_t pa = a.precedence.value_or(INT64_MAX);
    int64_t pb = b.precedence.value_or(INT64_MAX);
    return pa != pb ? pa < pb : a.name < b.name;
  });
  // The hook before minting: when it fails no token exists (and the caller stores nothing).
  triggers::TokenCustomization custom;
  if (deps_.triggers != nullptr && deps_.triggers->has_pre_token_generation()) {
    std::string client_id = client.id;
    std::vector<Group> hook_groups = *groups;
    std::string hook_scope = scope;
    User hook_user = *user;
    auto changes = co_await deps_.triggers->pre_token_generation(
        std::move(trigger_source), std::move(hook_user), std::move(client_id),
        std::move(hook_groups), std::move(hook_scope));
    if (!changes.ok()) {
      co_return changes.error();
    }
    custom = std::move(changes).value();
  }
  TokenSubject subject;
  subject.customization = &custom;
  subject.pool = &*pool;
  subject.client = &client;
  subject.user = &*user;
  for (const Group& g : *groups) {
    subject.groups.push_back(g.name);
  }
  subject.scope = scope;
  subject.auth_time = auth_time;
  subject.origin_jti = origin_jti;
  subject.nonce = std::move(nonce);
  subject.event_id = ids::new_uuid_v4();
  TokenIssuer::Clock::time_point now = TokenIssuer::Clock::now();
  IssuedTokens out;
  out.expires_in = client.access_token_ttl_s;
  DTS_CO_ASSIGN_OR_RETURN(out.access_token, deps_.issuer.mint_access_token(subject, now));
  if (has_scope(split_scopes(scope), "openid")) {
    subject.at_hash = access_token_hash(out.access_token);
    DTS_CO_ASSIGN_OR_RETURN(out.id_token, deps_.issuer.mint_id_token(subject, now));
  }
  co_return out;
}

}  // namespace dts::identity::oauth
