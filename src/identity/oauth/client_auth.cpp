#include "identity/oauth/client_auth.hpp"

#include "common/http/message.hpp"
#include "common/ids.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::oauth {
namespace {

constexpr size_t kMaxCredentialBytes = 1024;

std::optional<std::string> form_value(const std::vector<std::pair<std::string, std::string>>& form,
                                      std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ClientCredentials> read_client_credentials(
    std::string_view authorization,
    const std::vector<std::pair<std::string, std::string>>& form) {
  ClientCredentials c;
  auto form_id = form_value(form, "client_id");
  auto form_secret = form_value(form, "client_secret");
  if (!authorization.empty()) {
    constexpr std::string_view kBasic = "Basic ";
    if (authorization.size() <= kBasic.size() || authorization.size() > kMaxCredentialBytes ||
        !http::iequals(authorization.substr(0, kBasic.size()), kBasic)) {
      return unauthenticated("Authorization must be Basic client credentials");
    }
    auto decoded = jwt::base64_decode(authorization.substr(kBasic.size()));
    if (!decoded.ok()) {
      return unauthenticated("malformed Basic credentials");
    }
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
      return unauthenticated("malformed Basic credentials");
    }
    // §2.3.1: both parts are form-urlencoded before base64.
    auto id = http::percent_decode(std::string_view(*decoded).substr(0, colon), true);
    auto secret = http::percent_decode(std::string_view(*decoded).substr(colon + 1), true);
    if (!id || !secret || id->empty()) {
      return unauthenticated("malformed Basic credentials");
    }
    if (form_secret) {
      return invalid_argument("use one client authentication method, not Basic and client_secret");
    }
    if (form_id && *form_id != *id) {
      return invalid_argument("client_id in the body differs from the Basic credentials");
    }
    c.client_id = std::move(*id);
    c.secret = std::move(*secret);
    c.via_basic = true;
    return c;
  }
  if (!form_id || form_id->empty()) {
    return invalid_argument("client_id is required");
  }
  if (form_id->size() > kMaxCredentialBytes ||
      (form_secret && form_secret->size() > kMaxCredentialBytes)) {
    return invalid_argument("client credentials too long");
  }
  c.client_id = std::move(*form_id);
  c.secret = std::move(form_secret);
  return c;
}

Status authenticate_client(const AppClient& client, const ClientCredentials& creds) {
  if (creds.client_id != client.id) {
    return unauthenticated("client mismatch");
  }
  if (client.is_public()) {
    if (creds.secret && !creds.secret->empty()) {
      return unauthenticated("public client must not send a secret");
    }
    return ok_status();
  }
  if (!creds.secret || !ids::constant_time_equal(*creds.secret, *client.secret)) {
    return unauthenticated("invalid client secret");
  }
  return ok_status();
}

}  // namespace dts::identity::oauth
