#include "jwt/key_set.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "jwt/jwk.hpp"

namespace dts::jwt {

namespace json = boost::json;

// JWKS documents come from the network; bound the work a hostile one can cause.
constexpr size_t kMaxJwksKeys = 100;

std::vector<const Key*> KeySet::find_all(std::string_view kid) const {
  std::vector<const Key*> out;
  for (const Key& key : keys_) {
    if (key.kid() == kid) {
      out.push_back(&key);
    }
  }
  return out;
}

const Key* KeySet::find(std::string_view kid) const {
  for (const Key& key : keys_) {
    if (key.kid() == kid) {
      return &key;
    }
  }
  return nullptr;
}

json::object KeySet::to_public_jwks() const {
  json::array keys;
  for (const Key& key : keys_) {
    auto jwk = key_to_public_jwk(key);
    if (jwk.ok()) {
      keys.push_back(std::move(jwk).value());
    }
  }
  json::object doc;
  doc["keys"] = std::move(keys);
  return doc;
}

Result<ParsedJwks> parse_jwks(const json::value& doc) {
  const json::object* obj = doc.if_object();
  const json::value* keys = obj != nullptr ? obj->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return invalid_argument("jwks: expected an object with a \"keys\" array");
  }
  const json::array& entries = keys->get_array();
  if (entries.size() > kMaxJwksKeys) {
    return invalid_argument("jwks: more than " + std::to_string(kMaxJwksKeys) + " keys");
  }
  ParsedJwks out;
  for (size_t i = 0; i < entries.size(); ++i) {
    SkippedKey skip{i, {}, {}};
    const json::object* jwk = entries[i].if_object();
    if (jwk == nullptr) {
      skip.reason = "not a JSON object";
      out.skipped.push_back(std::move(skip));
      continue;
    }
    if (const json::value* kid = jwk->if_contains("kid"); kid != nullptr && kid->is_string()) {
      skip.kid = std::string(kid->get_string());
    }
    if (const json::value* use = jwk->if_contains("use");
        use != nullptr && !(use->is_string() && use->get_string() == "sig")) {
      skip.reason = "\"use\" is not \"sig\"";
      out.skipped.push_back(std::move(skip));
      continue;
    }
    Result<Key> key = key_from_jwk(*jwk);
    if (!key.ok()) {
      skip.reason = key.error().message();
      out.skipped.push_back(std::move(skip));
      continue;
    }
    out.keys.add(std::move(key).value());
  }
  return out;
}

Result<ParsedJwks> parse_jwks_json(std::string_view json_text) {
  boost::system::error_code ec;
  json::value doc = json::parse(json_text, ec);
  if (ec) {
    return invalid_argument("jwks: invalid JSON: " + ec.message());
  }
  return parse_jwks(doc);
}

}  // namespace dts::jwt
