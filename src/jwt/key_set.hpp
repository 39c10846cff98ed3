#pragma once
// `KeySet`: the keys of one issuer (a JWKS document, RFC 7517 §5), looked up by "kid".
//
// The "kid" is an opaque string compared byte for byte: it is never a path, URL or query
// (RFC 8725 §3.10), so "../x" or "' OR 1=1" simply find nothing.
//
// A KeySet is an immutable value after construction; share it as
// std::shared_ptr<const KeySet> (KeyCache does) and read it from any thread.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "jwt/key.hpp"

namespace dts::jwt {

class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}

  void add(Key key) { keys_.push_back(std::move(key)); }

  const std::vector<Key>& keys() const { return keys_; }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

  // Every key whose kid equals `kid` exactly (a JWKS may legally hold one kid per key type
  // during a rotation). Pointers stay valid while this KeySet lives.
  std::vector<const Key*> find_all(std::string_view kid) const;
  // The first key with that kid, or nullptr.
  const Key* find(std::string_view kid) const;

  // The public JWKS document {"keys":[...]} (what /.well-known/jwks.json serves). HMAC
  // secrets are left out: they are never published.
  boost::json::object to_public_jwks() const;

 private:
  std::vector<Key> keys_;
};

// A JWKS entry that was not loaded, and why (for the caller's log).
struct SkippedKey {
  size_t index = 0;
  std::string kid;
  std::string reason;
};

struct ParsedJwks {
  KeySet keys;
  std::vector<SkippedKey> skipped;
};

// Parses a JWKS document. Unsupported or malformed entries (an RSA-OAEP "enc" key, an X25519
// key, a broken modulus) are skipped and reported rather than failing the whole set, so one
// odd key at the issuer does not lock every user out. Keys with "use" other than "sig" are
// skipped too. InvalidArgument only if the document itself is not {"keys":[...]}.
Result<ParsedJwks> parse_jwks(const boost::json::value& doc);
Result<ParsedJwks> parse_jwks_json(std::string_view json_text);

}  // namespace dts::jwt
