#include "identity/tokens.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

#include "common/ids.hpp"
#include "jwt/base64.hpp"
#include "jwt/jws.hpp"

namespace dts::identity {
namespace {

int64_t seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

// OIDC standard claims released by the "profile" scope (OIDC Core §5.4), and "phone".
bool is_profile_attribute(std::string_view name) {
  static constexpr std::string_view kProfile[] = {
      "name",     "family_name", "given_name", "middle_name", "nickname", "preferred_username",
      "profile",  "picture",     "website",    "gender",      "birthdate", "zoneinfo",
      "locale",   "updated_at",  "address"};
  return std::find(std::begin(kProfile), std::end(kProfile), name) != std::end(kProfile);
}

bool attribute_released(std::string_view name, const TokenGrant& grant) {
  if (!grant.filter_attributes_by_scope) {
    return true;
  }
  if (name.starts_with("custom:")) {
    return true;  // Cognito releases custom attributes with openid
  }
  if (name == "phone_number" || name == "phone_number_verified") {
    return has_scope(grant.scopes, "phone") || has_scope(grant.scopes, "profile");
  }
  return is_profile_attribute(name) && has_scope(grant.scopes, "profile");
}

boost::json::array groups_array(const std::vector<std::string>& groups) {
  boost::json::array a;
  for (const std::string& g : groups) {
    a.emplace_back(g);
  }
  return a;
}

}  // namespace

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) {
      out += ' ';
    }
    out += s;
  }
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) {
      j = text.size();
    }
    std::string s(text.substr(i, j - i));
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) {
      out.push_back(std::move(s));
    }
    i = j + 1;
  }
  return out;
}

bool has_scope(const std::vector<std::string>& scopes, std::string_view scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

boost::json::object id_token_claims(const TokenUser& user, const TokenGrant& grant,
                                    const TokenSettings& settings, TimePoint now,
                                    const std::string& jti, const std::string& event_id,
                                    std::optional<std::string> at_hash) {
  int64_t iat = seconds(now);
  boost::json::object c;
  c["sub"] = user.sub;
  if (!user.groups.empty()) {
    c["cognito:groups"] = groups_array(user.groups);
  }
  bool release_email = !grant.filter_attributes_by_scope || has_scope(grant.scopes, "email");
  if (user.email && release_email) {
    c["email_verified"] = user.email_verified;
  }
  c["iss"] = settings.issuer;
  c["cognito:username"] = user.username;
  if (grant.nonce) {
    c["nonce"] = *grant.nonce;
  }
  c["origin_jti"] = grant.origin_jti;
  c["aud"] = grant.client_id;
  c["event_id"] = event_id;
  c["token_use"] = "id";
  c["auth_time"] = grant.auth_time;
  for (const auto& [name, value] : user.attributes) {
    if (name == "sub" || name == "email" || name == "email_verified" || c.contains(name)) {
      continue;
    }
    if (!attribute_released(name, grant)) {
      continue;
    }
    if (name == "phone_number_verified") {
      c[name] = value == "true";  // a boolean in Cognito's ID token, like email_verified
    } else {
      c[name] = value;
    }
  }
  c["exp"] = iat + settings.id_token_ttl.count();
  c["iat"] = iat;
  c["jti"] = jti;
  if (user.email && release_email) {
    c["email"] = *user.email;
  }
  if (at_hash) {
    c["at_hash"] = *at_hash;
  }
  return c;
}

boost::json::object access_token_claims(const TokenUser& user, const TokenGrant& grant,
                                        const TokenSettings& settings, TimePoint now,
                                        const std::string& jti, const std::string& event_id) {
  int64_t iat = seconds(now);
  boost::json::object c;
  c["sub"] = user.sub;
  if (!user.groups.empty()) {
    c["cognito:groups"] = groups_array(user.groups);
  }
  c["iss"] = settings.issuer;
  c["version"] = 2;
  c["client_id"] = grant.client_id;
  c["origin_jti"] = grant.origin_jti;
  c["event_id"] = event_id;
  c["token_use"] = "access";
  c["scope"] = join_scopes(grant.scopes);
  c["auth_time"] = grant.auth_time;
  c["exp"] = iat + settings.access_token_ttl.count();
  c["iat"] = iat;
  c["jti"] = jti;
  c["username"] = user.username;
  return c;
}

boost::json::object client_access_token_claims(const std::string& client_id,
                                               const std::vector<std::string>& scopes,
                                               const TokenSettings& settings, TimePoint now,
                                               const std::string& jti) {
  int64_t iat = seconds(now);
  boost::json::object c;
  c["sub"] = client_id;
  c["token_use"] = "access";
  c["scope"] = join_scopes(scopes);
  c["auth_time"] = iat;
  c["iss"] = settings.issuer;
  c["exp"] = iat + settings.access_token_ttl.count();
  c["iat"] = iat;
  c["version"] = 2;
  c["jti"] = jti;
  c["client_id"] = client_id;
  return c;
}

std::string access_token_hash(std::string_view access_token) {
  std::string digest = sha256(access_token);
  return jwt::base64url_encode(std::string_view(digest).substr(0, digest.size() / 2));
}

Result<std::string> TokenMinter::sign(const KeyRing& ring, const boost::json::object& claims,
                                      TimePoint now) const {
  const SigningKey* key = ring.active(now);
  if (key == nullptr) {
    return failed_precondition("no active signing key");
  }
  return jwt::sign_jwt(jwt::Alg::kRS256, key->key, claims);
}

Result<MintedTokens> TokenMinter::mint_user_tokens(const KeyRing& ring, const TokenUser& user,
                                                   const TokenGrant& grant, bool with_id_token,
                                                   TimePoint now) const {
  if (grant.origin_jti.empty() || grant.client_id.empty() || user.sub.empty()) {
    return invalid_argument("token grant needs a client, a user and an origin_jti");
  }
  std::string event_id = ids::new_uuid_v4();
  MintedTokens out;
  DTS_ASSIGN_OR_RETURN(
      out.access_token,
      sign(ring, access_token_claims(user, grant, settings_, now, ids::new_uuid_v4(), event_id),
           now));
  out.expires_in = settings_.access_token_ttl.count();
  if (with_id_token) {
    std::optional<std::string> at_hash;
    if (grant.bind_at_hash) {
      at_hash = access_token_hash(out.access_token);  // OIDC flows bind the two tokens
    }
    DTS_ASSIGN_OR_RETURN(
        std::string id,
        sign(ring,
             id_token_claims(user, grant, settings_, now, ids::new_uuid_v4(), event_id, at_hash),
             now));
    out.id_token = std::move(id);
  }
  return out;
}

Result<MintedTokens> TokenMinter::mint_client_token(const KeyRing& ring,
                                                    const std::string& client_id,
                                                    const std::vector<std::string>& scopes,
                                                    TimePoint now) const {
  MintedTokens out;
  DTS_ASSIGN_OR_RETURN(
      out.access_token,
      sign(ring, client_access_token_claims(client_id, scopes, settings_, now, ids::new_uuid_v4()),
           now));
  out.expires_in = settings_.access_token_ttl.count();
  return out;
}

std::string new_refresh_token() {
  unsigned char buf[48];
  if (RAND_bytes(buf, sizeof buf) != 1) {
    std::abort();  // predictable refresh tokens would be worse than stopping
  }
  return jwt::base64url_encode(std::string_view(reinterpret_cast<char*>(buf), sizeof buf));
}

std::string hash_refresh_token(std::string_view token) {
  return jwt::hex_encode(sha256(token));
}

}  // namespace dts::identity
