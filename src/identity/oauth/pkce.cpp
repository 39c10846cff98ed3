#include "identity/oauth/pkce.hpp"

#include <openssl/sha.h>

#include "common/ids.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::oauth {
namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

bool valid_code_verifier(std::string_view verifier) {
  if (verifier.size() < 43 || verifier.size() > 128) {
    return false;
  }
  for (char c : verifier) {
    if (!unreserved(c)) {
      return false;
    }
  }
  return true;
}

bool valid_s256_challenge(std::string_view challenge) {
  if (challenge.size() != 43) {
    return false;
  }
  auto raw = jwt::base64url_decode(challenge);
  return raw.ok() && raw->size() == 32;
}

std::string s256_challenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return jwt::base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

Status verify_pkce(std::string_view challenge, std::string_view verifier) {
  if (!valid_code_verifier(verifier)) {
    return invalid_argument("code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]");
  }
  if (!ids::constant_time_equal(s256_challenge(verifier), challenge)) {
    return invalid_argument("code_verifier does not match the code_challenge");
  }
  return ok_status();
}

}  // namespace dts::identity::oauth
