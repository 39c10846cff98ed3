#pragma once
// One RSA signing key per test process: generating RSA-2048 costs up to a second under
// the sanitizers, and the tests only need some valid key.

#include "identity/token_issuer.hpp"

namespace dts::identity::testing {

inline const jwt::Key& shared_signing_key() {
  static const jwt::Key key = TokenIssuer::load_or_generate("").value();
  return key;
}

inline void install_shared_key(TokenIssuer& issuer) {
  const jwt::Key& key = shared_signing_key();
  jwt::KeySet set;
  set.add(key.public_key().value());
  if (!issuer.set_keys(key, set).ok()) std::abort();
}

}  // namespace dts::identity::testing
