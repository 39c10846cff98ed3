#pragma once
// The parameters of GET /oauth2/authorize (and of the hosted forms that carry them) and the
// checks Cognito applies before showing the login page.
//
// Order matters for safety (RFC 6749 §4.1.2.1): while the client or the redirect_uri is not
// established, errors render a page and NEVER redirect (an unregistered redirect_uri is the
// open-redirect attack); once redirect_uri matched a registered callback exactly, further
// errors go back to the client as ?error=...&state=...
//
// Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identity/model.hpp"

namespace dts::identity::oauth {

using Params = std::vector<std::pair<std::string, std::string>>;

struct AuthorizeParams {
  std::string response_type;
  std::string client_id;
  std::string redirect_uri;
  std::string scope;
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string code_challenge_method;

  // From a parsed query or form (first value of each name wins; unknown names ignored).
  static AuthorizeParams from(const Params& params);
  // The non-empty parameters, for hidden form fields and for links between the pages.
  Params to_params() const;
};

struct AuthorizeCheck {
  enum class Outcome {
    kOk,             // show the login page; `scopes` is what will be granted
    kErrorPage,      // render an error page, no redirect
    kRedirectError,  // 302 to redirect_uri?error=...&error_description=...&state=...
  };
  Outcome outcome = Outcome::kOk;
  std::string error;        // OAuth error code (kRedirectError) or page title (kErrorPage)
  std::string description;
  std::vector<std::string> scopes;
};

// Limits on what a client may send (bytes).
inline constexpr size_t kMaxStateBytes = 2048;
inline constexpr size_t kMaxNonceBytes = 512;
inline constexpr size_t kMaxScopeBytes = 2048;

// `client` is the client named by params.client_id, or nullopt if there is none.
AuthorizeCheck check_authorize(const AuthorizeParams& params,
                               const std::optional<AppClient>& client);

// The granted scopes: all the client's allowed scopes when `requested` is empty (Cognito), or
// the requested ones if each is allowed; nullopt if any is not.
std::optional<std::vector<std::string>> grant_scopes(std::string_view requested,
                                                     const std::vector<std::string>& allowed);

// The redirect for an error after redirect_uri was validated.
std::string error_redirect(const AuthorizeParams& params, std::string_view error,
                           std::string_view description);

}  // namespace dts::identity::oauth
