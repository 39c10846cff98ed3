#include "identity/oauth/provider.hpp"

#include <boost/json/object.hpp>

#include "common/log.hpp"
#include "identity/oauth/client_auth.hpp"
#include "identity/oauth/errors.hpp"
#include "identity/oauth/pages.hpp"
#include "identity/oauth/redirect.hpp"
#include "identity/tokens.hpp"

namespace dts::identity::oauth {
namespace {

using http::Request;
using http::Response;

Params query_params(const Request& req) {
  auto parsed = http::parse_form(req.query);
  return parsed ? *parsed : Params{};
}

std::string first(const Params& p, std::string_view name) {
  for (const auto& [k, v] : p) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

// A pool id as Cognito shapes it (<region>_<id>): letters, digits, '-' and '_' only, so a
// path segment can never smuggle anything into the issuer URL.
bool plausible_pool_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

Provider::Provider(Deps deps, ProviderOptions options)
    : deps_(std::move(deps)),
      options_(std::move(options)),
      csrf_(deps_.kek, options_.csrf_max_age),
      secure_cookies_(options_.public_url.starts_with("https://")) {}

Task<std::optional<AppClient>> Provider::find_client(const std::string& id) {
  if (id.empty() || id.size() > 128) {
    co_return std::nullopt;
  }
  auto client = co_await deps_.store.get_client(id);
  if (!client.ok()) {
    if (client.error().code() != Code::kNotFound) {
      log::warn("oauth: client lookup failed", {{"error", client.error().to_string()}});
    }
    co_return std::nullopt;
  }
  co_return std::move(*client);
}

Response Provider::discovery(std::string_view pool_id) const {
  const std::string& base = options_.public_url;
  boost::json::object doc{
      {"issuer", deps_.issuer.issuer_for(pool_id)},
      {"authorization_endpoint", base + "/oauth2/authorize"},
      {"token_endpoint", base + "/oauth2/token"},
      {"userinfo_endpoint", base + "/oauth2/userInfo"},
      {"revocation_endpoint", base + "/oauth2/revoke"},
      {"end_session_endpoint", base + "/logout"},
      {"jwks_uri", base + "/.well-known/jwks.json"},
      {"response_types_supported", boost::json::array{"code"}},
      {"response_modes_supported", boost::json::array{"query"}},
      {"grant_types_supported",
       boost::json::array{"authorization_code", "refresh_token", "client_credentials"}},
      {"subject_types_supported", boost::json::array{"public"}},
      {"id_token_signing_alg_values_supported", boost::json::array{"RS256"}},
      {"token_endpoint_auth_methods_supported",
       boost::json::array{"client_secret_basic", "client_secret_post", "none"}},
      {"revocation_endpoint_auth_methods_supported",
       boost::json::array{"client_secret_basic", "client_secret_post", "none"}},
      {"code_challenge_methods_supported", boost::json::array{"S256"}},
      {"scopes_supported",
       boost::json::array{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}},
      {"claims_supported",
       boost::json::array{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                          "email", "email_verified", "cognito:username", "cognito:groups",
                          "origin_jti", "token_use"}},
  };
  Response r = Response::json(doc);
  r.headers.set("Cache-Control", "public, max-age=" + std::to_string(options_.jwks_max_age.count()));
  return r;
}

Response Provider::jwks() {
  Response r = Response::text(*deps_.keys.jwks_json(Clock::now()), 200, "application/json");
  // Short enough that a rotated-in key is fetched well within the overlap; verifiers also
  // refetch on an unknown kid.
  r.headers.set("Cache-Control", "public, max-age=" + std::to_string(options_.jwks_max_age.count()));
  return r;
}

Task<Response> Provider::user_info(Request& req) {
  std::string_view auth = req.header("Authorization");
  if (auth.size() < 8 || !http::iequals(auth.substr(0, 7), "Bearer ")) {
    Response r = bearer_error("invalid_request", "access token required");
    co_return r;
  }
  std::string token(auth.substr(7));
  auto claims = deps_.issuer.verify_access_token(token, Clock::now());
  if (!claims.ok()) {
    co_return bearer_error("invalid_token", "Invalid access token");
  }
  std::vector<std::string> scopes = split_scopes(claims->scope);
  if (!has_scope(scopes, "openid") && !has_scope(scopes, "aws.cognito.signin.user.admin")) {
    co_return bearer_error("insufficient_scope", "the access token lacks the openid scope", 403);
  }
  if (claims->username.empty()) {
    co_return bearer_error("invalid_token", "a client token has no user");
  }
  if (!claims->origin_jti.empty()) {
    auto active = co_await deps_.store.session_active(claims->origin_jti);
    if (!active.ok()) {
      co_return error_response({"server_error", "try again later", 503});
    }
    if (!*active) {
      co_return bearer_error("invalid_token", "Access token has been revoked");
    }
  }
  auto user = co_await deps_.store.get_user(claims->sub);
  if (!user.ok() || !user->enabled) {
    co_return bearer_error("invalid_token", "Invalid access token");
  }
  boost::json::object out{{"sub", user->id}};
  for (const auto& [name, value] : user->attributes) {
    out[name] = value;  // Cognito's userInfo reports booleans as "true"/"false" strings
  }
  out["username"] = user->username;
  Response r = Response::json(out);
  no_store(r);
  co_return r;
}

Task<Response> Provider::revoke(Request& req) {
  if (!http::iequals(req.header("Content-Type").substr(0, 33), "application/x-www-form-urlencoded")) {
    co_return error_response(invalid_request("body must be application/x-www-form-urlencoded"));
  }
  auto form = http::parse_form(req.body);
  if (!form) {
    co_return error_response(invalid_request("malformed form body"));
  }
  auto authenticated = co_await authenticated_client(req, *form);
  if (auto* refusal = std::get_if<Response>(&authenticated)) {
    co_return std::move(*refusal);
  }
  const AppClient* client = &std::get<AppClient>(authenticated);
  std::string token = first(*form, "token");
  if (token.empty()) {
    co_return error_response(invalid_request("token is required"));
  }
  if (token.find('.') != std::string::npos) {
    // Cognito revokes refresh tokens only; access tokens end with their sign-in.
    co_return error_response({"unsupported_token_type", "only refresh tokens can be revoked"});
  }
  if (token.size() <= 512) {
    auto session = co_await deps_.store.find_session(hash_refresh_token(token));
    if (!session.ok()) {
      co_return error_response({"server_error", "try again later", 503});
    }
    if (*session) {
      if ((*session)->client_id != client->id) {
        co_return error_response(unauthorized_client("the token was issued to another client"));
      }
      Status st = co_await deps_.store.revoke_session((*session)->origin_jti);
      if (!st.ok()) {
        co_return error_response({"server_error", "try again later", 503});
      }
    }
  }
  // RFC 7009 §2.2: an unknown or already revoked token is also a success.
  Response r = Response::text("", 200, "application/json");
  no_store(r);
  co_return r;
}

Task<Response> Provider::logout(Request& req) {
  Params q = query_params(req);
  std::string client_id = first(q, "client_id");
  auto client = co_await find_client(client_id);
  if (!client) {
    co_return html_response(render_error("Invalid request", "client_id is missing or unknown."),
                            400);
  }
  std::string logout_uri = first(q, "logout_uri");
  if (logout_uri.empty()) {
    logout_uri = first(q, "post_logout_redirect_uri");
  }
  Response r;
  if (!logout_uri.empty()) {
    if (!redirect_registered(logout_uri, client->logout_urls)) {
      co_return html_response(
          render_error("Invalid request",
                       "logout_uri is not one of the client's registered sign-out URLs."),
          400);
    }
    std::string state = first(q, "state");
    r.status = 302;
    r.headers.set("Location", state.empty() ? logout_uri : with_query(logout_uri, {{"state", state}}));
  } else if (std::string redirect = first(q, "redirect_uri"); !redirect.empty()) {
    // Cognito's second form: sign out, then show the login page for this callback.
    if (!redirect_registered(redirect, client->callback_urls)) {
      co_return html_response(
          render_error("Invalid request",
                       "redirect_uri is not one of the client's registered callback URLs."),
          400);
    }
    r.status = 302;
    r.headers.set("Location", with_query("/login", q));
  } else {
    co_return html_response(render_notice("Signed out", "You have been signed out."));
  }
  // The hosted UI keeps no sign-in session; dropping the CSRF cookie ends the form state.
  r.headers.add("Set-Cookie", std::string(kCsrfCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  r.headers.set("Cache-Control", "no-store");
  co_return r;
}

void Provider::add_routes(http::Router& router) {
  using Handler = Task<Response> (Provider::*)(Request&);
  auto wrap = [this](Handler h) {
    return [this, h](Request& req) -> Task<Result<Response>> {
      Response r = co_await (this->*h)(req);
      co_return r;
    };
  };
  router.add("GET", "/oauth2/authorize", wrap(&Provider::authorize_page));
  router.add("GET", "/login", wrap(&Provider::authorize_page));
  router.add("POST", "/login", wrap(&Provider::login));
  router.add("GET", "/signup", wrap(&Provider::signup_page));
  router.add("POST", "/signup", wrap(&Provider::signup));
  router.add("POST", "/confirm", wrap(&Provider::confirm));
  router.add("POST", "/oauth2/token", wrap(&Provider::token));
  router.add("GET", "/oauth2/userInfo", wrap(&Provider::user_info));
  router.add("POST", "/oauth2/userInfo", wrap(&Provider::user_info));
  router.add("POST", "/oauth2/revoke", wrap(&Provider::revoke));
  router.add("GET", "/logout", wrap(&Provider::logout));
  router.add("GET", "/.well-known/jwks.json", [this](Request&) -> Task<Result<Response>> {
    co_return jwks();
  });
  router.add("GET", "/.well-known/openid-configuration",
             [this](Request&) -> Task<Result<Response>> {
               co_return discovery(options_.default_pool_id);
             });
  // Cognito's layout: https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/...
  router.add("GET", "/{pool}/.well-known/jwks.json", [this](Request&) -> Task<Result<Response>> {
    co_return jwks();
  });
  router.add("GET", "/{pool}/.well-known/openid-configuration",
             [this](Request& req) -> Task<Result<Response>> {
               std::string pool(req.param("pool"));
               if (!plausible_pool_id(pool)) {
                 co_return not_found("no such user pool");
               }
               auto found = co_await deps_.store.get_pool(pool);
               if (!found.ok()) {
                 co_return found.error();
               }
               co_return discovery(pool);
             });
}

}  // namespace dts::identity::oauth
