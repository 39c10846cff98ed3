#pragma once
// Client authentication at /oauth2/token and /oauth2/revoke (RFC 6749 §2.3.1):
// client_secret_basic (Authorization: Basic base64(urlencode(id) ":" urlencode(secret))) or
// client_secret_post (client_id + client_secret in the form). Using both at once is an
// error (§2.3: "MUST NOT use more than one authentication method in each request").
// Public clients send only client_id (and prove possession of the code with PKCE).
//
// Pure and thread-safe; secrets are compared in constant time.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "identity/model.hpp"

namespace dts::identity::oauth {

struct ClientCredentials {
  std::string client_id;
  std::optional<std::string> secret;
  bool via_basic = false;
};

// InvalidArgument for malformed or conflicting credentials (-> invalid_request/invalid_client).
Result<ClientCredentials> read_client_credentials(
    std::string_view authorization_header,
    const std::vector<std::pair<std::string, std::string>>& form);

// OK when `creds` authenticate `client`: confidential clients need their secret (constant-time
// comparison), public clients must not send one. Unauthenticated otherwise (-> invalid_client).
Status authenticate_client(const AppClient& client, const ClientCredentials& creds);

}  // namespace dts::identity::oauth
