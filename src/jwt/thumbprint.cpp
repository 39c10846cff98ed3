#include "jwt/thumbprint.hpp"

#include <openssl/sha.h>

#include <boost/json/serialize.hpp>
#include <span>

#include "jwt/base64.hpp"
#include "jwt/jwk.hpp"

namespace dts::jwt {
namespace {

// RFC 7638 §3.2: the required members per key type, already in lexicographic order.
constexpr std::string_view kRsaMembers[] = {"e", "kty", "n"};
constexpr std::string_view kEcMembers[] = {"crv", "kty", "x", "y"};
constexpr std::string_view kOkpMembers[] = {"crv", "kty", "x"};
constexpr std::string_view kOctMembers[] = {"k", "kty"};

}  // namespace

Result<std::string> jwk_thumbprint(const Key& key) {
  boost::json::object jwk;
  if (key.type() == KeyType::kOct) {
    DTS_ASSIGN_OR_RETURN(jwk, key_to_private_jwk(key));
  } else {
    DTS_ASSIGN_OR_RETURN(jwk, key_to_public_jwk(key));
  }
  // Canonical form: only the required members, in order, no whitespace.
  std::span<const std::string_view> members;
  switch (key.type()) {
    case KeyType::kRsa:
      members = kRsaMembers;
      break;
    case KeyType::kEc:
      members = kEcMembers;
      break;
    case KeyType::kOkp:
      members = kOkpMembers;
      break;
    case KeyType::kOct:
      members = kOctMembers;
      break;
  }
  std::string canonical = "{";
  for (std::string_view name : members) {
    if (canonical.size() > 1) {
      canonical += ',';
    }
    canonical += boost::json::serialize(boost::json::string(name));
    canonical += ':';
    canonical += boost::json::serialize(jwk.at(name));
  }
  canonical += '}';
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

}  // namespace dts::jwt
