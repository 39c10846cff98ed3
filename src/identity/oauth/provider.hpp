#pragma once
// The OAuth 2.0 / OIDC provider of the identity service (Cognito's hosted UI and its
// endpoints). Handlers parse HTTP, call into this class's domain steps and render; the
// dependencies arrive through `Provider::Deps` (built in service.cpp):
//
//   GET  /oauth2/authorize, GET /login   hosted login page (CSRF-protected form)
//   POST /login                          credentials -> authorization code -> 302 callback
//   GET  /signup, POST /signup, POST /confirm   hosted sign-up and confirmation
//   POST /oauth2/token                   authorization_code (+PKCE), refresh_token,
//                                        client_credentials
//   GET|POST /oauth2/userInfo            claims of the access token's user
//   POST /oauth2/revoke                  revokes a refresh token and its sign-in (RFC 7009)
//   GET  /logout                         redirects only to a registered sign-out URL
//   GET  [/{pool}]/.well-known/openid-configuration, [/{pool}]/.well-known/jwks.json
//
// Thread-safety: immutable after construction; handlers run concurrently.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "common/http/message.hpp"
#include "common/http/router.hpp"
#include "common/result.hpp"
#include "identity/key_manager.hpp"
#include "identity/model.hpp"
#include "identity/oauth/authorize_request.hpp"
#include "identity/oauth/code_store.hpp"
#include "identity/oauth/csrf.hpp"
#include "identity/store.hpp"
#include "identity/token_issuer.hpp"
#include "identity/triggers/triggers.hpp"

namespace dts::identity::oauth {

template <typename T>
using Task = boost::asio::awaitable<T>;

struct ProviderOptions {
  std::string public_url;       // where these endpoints are reachable, no trailing slash
  std::string default_pool_id;  // served at /.well-known/* without a pool prefix
  std::chrono::seconds code_ttl{300};
  std::chrono::seconds csrf_max_age{3600};
  std::chrono::seconds jwks_max_age{300};  // Cache-Control of the JWKS (< rotation overlap)
};

// Password sign-in as the Cognito API does it (throttling, no user enumeration, equal
// timing): the User, or an Error whose message is safe to show ("Incorrect username or
// password.", "User is not confirmed.", "Password attempts exceeded").
using Authenticate = std::function<Task<Result<User>>(const AppClient& client, std::string username,
                                                     std::string password, std::string remote_ip)>;
// Hosted sign-up: creates an UNCONFIRMED user and sends the confirmation code.
using SignUp = std::function<Task<Status>(const AppClient& client, std::string username,
                                          std::string email, std::string password)>;
using ConfirmSignUp =
    std::function<Task<Status>(const AppClient& client, std::string username, std::string code)>;

class Provider {
 public:
  struct Deps {
    Store& store;
    CodeStore& codes;
    KeyManager& keys;
    TokenIssuer& issuer;
    const KeyEncryption& kek;
    Authenticate authenticate;
    SignUp sign_up;           // may be empty: the sign-up link is then hidden
    ConfirmSignUp confirm;
    // Pre-token-generation hook for the code and refresh grants; null = none.
    triggers::Triggers* triggers = nullptr;
  };

  Provider(Deps deps, ProviderOptions options);

  void add_routes(http::Router& router);

  // Individual endpoints (public for tests and benchmarks).
  Task<http::Response> authorize_page(http::Request& req);
  Task<http::Response> login(http::Request& req);
  Task<http::Response> signup_page(http::Request& req);
  Task<http::Response> signup(http::Request& req);
  Task<http::Response> confirm(http::Request& req);
  Task<http::Response> token(http::Request& req);
  Task<http::Response> user_info(http::Request& req);
  Task<http::Response> revoke(http::Request& req);
  Task<http::Response> logout(http::Request& req);
  http::Response discovery(std::string_view pool_id) const;
  http::Response jwks();

 private:
  struct Page;
  struct FormPost;
  Task<std::optional<AppClient>> find_client(const std::string& id);
  // The start of the hosted sign-up and confirmation posts: the form, its authorize
  // parameters checked again, its CSRF token. A set `refusal` is the answer to send.
  Task<FormPost> read_form_post(http::Request& req, bool step_enabled);
  // Token and revoke requests: the client's credentials (Basic or form) checked against the
  // registered client; either that client or the OAuth error answer to send.
  Task<std::variant<AppClient, http::Response>> authenticated_client(const http::Request& req,
                                                                     const Params& form);
  http::Response form_page(const Page& page, std::string_view cookie_header);
  Task<http::Response> token_authorization_code(const AppClient& client, const Params& form);
  Task<http::Response> token_refresh(const AppClient& client, const Params& form);
  Task<http::Response> token_client_credentials(const AppClient& client, const Params& form);
  Task<Result<IssuedTokens>> mint_for_user(const AppClient& client, const std::string& user_id,
                                           const std::string& scope, int64_t auth_time,
                                           const std::string& origin_jti,
                                           std::optional<std::string> nonce,
                                           std::string trigger_source);

  Deps deps_;
  ProviderOptions options_;
  Csrf csrf_;
  bool secure_cookies_;
};

}  // namespace dts::identity::oauth
