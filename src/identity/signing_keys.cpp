#include "identity/signing_keys.hpp"

#include <boost/json/serialize.hpp>

#include "jwt/thumbprint.hpp"

namespace dts::identity {

Result<jwt::Key> generate_signing_key() {
  DTS_ASSIGN_OR_RETURN(jwt::Key key, jwt::Key::generate(jwt::KeySpec::kRsa2048));
  DTS_ASSIGN_OR_RETURN(std::string kid, jwt::jwk_thumbprint(key));
  key.set_kid(std::move(kid));
  key.set_alg(jwt::Alg::kRS256);
  key.set_use("sig");
  return key;
}

KeyRing::KeyRing(std::vector<SigningKey> keys) : keys_(std::move(keys)) {}

const SigningKey* KeyRing::active(TimePoint now) const {
  const SigningKey* best = nullptr;
  for (const SigningKey& k : keys_) {
    if (!k.published_at(now) || k.activates_at > now || !k.key.has_private()) {
      continue;
    }
    if (best == nullptr || k.activates_at > best->activates_at ||
        (k.activates_at == best->activates_at && k.created_at > best->created_at)) {
      best = &k;
    }
  }
  return best;
}

jwt::KeySet KeyRing::published(TimePoint now) const {
  jwt::KeySet set;
  for (const SigningKey& k : keys_) {
    if (!k.published_at(now)) {
      continue;
    }
    auto pub = k.key.public_key();
    if (pub.ok()) {
      set.add(std::move(*pub));
    }
  }
  return set;
}

std::string KeyRing::jwks_json(TimePoint now) const {
  return boost::json::serialize(published(now).to_public_jwks());
}

Result<jwt::VerifiedToken> KeyRing::verify(std::string_view token, const jwt::Verifier& verifier,
                                           TimePoint now, jwt::Check* failed) const {
  return verifier.verify(token, published(now), now, failed);
}

RotationPlan plan_rotation(const std::vector<SigningKey>& keys, TimePoint now,
                           const RotationPolicy& policy, bool force) {
  KeyRing ring(keys);
  const SigningKey* current = ring.active(now);
  RotationPlan plan;
  if (current == nullptr) {
    plan.create = true;
    return plan;
  }
  if (force || now - current->activates_at >= policy.rotate_after) {
    plan.create = true;
    plan.supersede = current->key.kid();
    plan.supersede_retires_at = now + policy.overlap;
  }
  return plan;
}

void apply_rotation(std::vector<SigningKey>& keys, const RotationPlan& plan, TimePoint now,
                    std::optional<jwt::Key> fresh) {
  if (!plan.supersede.empty()) {
    for (SigningKey& k : keys) {
      if (k.key.kid() == plan.supersede) {
        k.retires_at = plan.supersede_retires_at;
      }
    }
  }
  if (plan.create && fresh) {
    keys.push_back(SigningKey{std::move(*fresh), now, now, std::nullopt});
  }
}

}  // namespace dts::identity
