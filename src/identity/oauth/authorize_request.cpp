#include "identity/oauth/authorize_request.hpp"

#include <algorithm>

#include "identity/oauth/pkce.hpp"
#include "identity/oauth/redirect.hpp"
#include "identity/tokens.hpp"

namespace dts::identity::oauth {
namespace {

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

AuthorizeCheck page_error(std::string title, std::string description) {
  return {AuthorizeCheck::Outcome::kErrorPage, std::move(title), std::move(description), {}};
}

AuthorizeCheck redirect_error(std::string error, std::string description) {
  return {AuthorizeCheck::Outcome::kRedirectError, std::move(error), std::move(description), {}};
}

bool printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

AuthorizeParams AuthorizeParams::from(const Params& params) {
  AuthorizeParams p;
  auto take = [&](std::string_view name, std::string& out) {
    for (const auto& [k, v] : params) {
      if (k == name) {
        out = v;
        return;
      }
    }
  };
  take("response_type", p.response_type);
  take("client_id", p.client_id);
  take("redirect_uri", p.redirect_uri);
  take("scope", p.scope);
  take("state", p.state);
  take("nonce", p.nonce);
  take("code_challenge", p.code_challenge);
  take("code_challenge_method", p.code_challenge_method);
  return p;
}

Params AuthorizeParams::to_params() const {
  Params out;
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) {
      out.emplace_back(name, value);
    }
  };
  put("response_type", response_type);
  put("client_id", client_id);
  put("redirect_uri", redirect_uri);
  put("scope", scope);
  put("state", state);
  put("nonce", nonce);
  put("code_challenge", code_challenge);
  put("code_challenge_method", code_challenge_method);
  return out;
}

std::optional<std::vector<std::string>> grant_scopes(std::string_view requested,
                                                     const std::vector<std::string>& allowed) {
  std::vector<std::string> scopes = split_scopes(requested);
  if (scopes.empty()) {
    return allowed;
  }
  for (const std::string& s : scopes) {
    if (!has(allowed, s)) {
      return std::nullopt;
    }
  }
  return scopes;
}

AuthorizeCheck check_authorize(const AuthorizeParams& p, const std::optional<AppClient>& client) {
  // 1. Client and redirect_uri: page errors only.
  if (p.client_id.empty()) {
    return page_error("Invalid request", "client_id is required.");
  }
  if (!client) {
    return page_error("Invalid request", "The client does not exist.");
  }
  if (p.redirect_uri.empty()) {
    return page_error("Invalid request", "redirect_uri is required.");
  }
  if (!redirect_registered(p.redirect_uri, client->callback_urls)) {
    return page_error("Invalid request",
                      "redirect_uri is not one of the client's registered callback URLs.");
  }
  // 2. From here on the client gets the error at its own callback.
  if (p.response_type != "code") {
    return redirect_error("unsupported_response_type", "response_type must be code");
  }
  if (!has(client->allowed_oauth_flows, "code")) {
    return redirect_error("unauthorized_client", "the client may not use the code flow");
  }
  if (p.state.size() > kMaxStateBytes || p.nonce.size() > kMaxNonceBytes ||
      p.scope.size() > kMaxScopeBytes || !printable_ascii(p.state) || !printable_ascii(p.nonce)) {
    return redirect_error("invalid_request", "state, nonce or scope too long or not printable");
  }
  auto scopes = grant_scopes(p.scope, client->allowed_scopes);
  if (!scopes) {
    return redirect_error("invalid_scope", "a requested scope is not allowed for this client");
  }
  if (!p.code_challenge.empty() || !p.code_challenge_method.empty()) {
    if (p.code_challenge_method != "S256") {
      return redirect_error("invalid_request", "code_challenge_method must be S256");
    }
    if (!valid_s256_challenge(p.code_challenge)) {
      return redirect_error("invalid_request", "code_challenge must be 43 base64url characters");
    }
  } else if (client->is_public()) {
    return redirect_error("invalid_request", "PKCE (code_challenge with S256) is required");
  }
  AuthorizeCheck ok;
  ok.scopes = std::move(*scopes);
  return ok;
}

std::string error_redirect(const AuthorizeParams& params, std::string_view error,
                           std::string_view description) {
  std::vector<std::pair<std::string, std::string>> q{{"error", std::string(error)},
                                                     {"error_description", std::string(description)}};
  if (!params.state.empty()) {
    q.emplace_back("state", params.state);
  }
  return with_query(params.redirect_uri, q);
}

}  // namespace dts::identity::oauth
