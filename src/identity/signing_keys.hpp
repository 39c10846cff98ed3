#pragma once
// The identity service's token signing keys: RS256 (RSA 2048) keys with a `kid` (the RFC 7638
// thumbprint), and the rotation rules.
//
// Lifecycle of a key (times are stored with it, see key_store.hpp):
//   created/activated  it signs every new token from `activates_at` on, until a newer key
//                      activates;
//   superseded         a rotation made a newer key active and set this key's `retires_at` to
//                      rotation time + overlap: during the overlap it no longer signs but is
//                      still published in the JWKS and still verifies, so tokens it signed
//                      stay valid until they expire (overlap >= the longest token lifetime);
//   retired            after `retires_at` it is neither published nor used to verify.
//
// `KeyRing` is an immutable snapshot of the live keys (share it as
// std::shared_ptr<const KeyRing>; readers on any thread). `plan_rotation` is the pure policy
// that decides when to create a key and what to retire; the store applies it.

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "jwt/key.hpp"
#include "jwt/key_set.hpp"
#include "jwt/verifier.hpp"

namespace dts::identity {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct SigningKey {
  jwt::Key key;  // with the private part; kid, alg RS256 and use "sig" set
  TimePoint created_at;
  TimePoint activates_at;
  std::optional<TimePoint> retires_at;  // nullopt = not scheduled for retirement

  bool published_at(TimePoint now) const { return !retires_at || now < *retires_at; }
};

// A fresh RS256 signing key: RSA 2048 from the OS CSPRNG, kid = JWK thumbprint.
Result<jwt::Key> generate_signing_key();

class KeyRing {
 public:
  KeyRing() = default;
  explicit KeyRing(std::vector<SigningKey> keys);

  // The key that signs tokens at `now`: among published keys with activates_at <= now, the
  // one activated last (ties: created last). nullptr when there is none.
  const SigningKey* active(TimePoint now) const;

  // The public keys a verifier should accept at `now` (what /.well-known/jwks.json serves).
  jwt::KeySet published(TimePoint now) const;
  std::string jwks_json(TimePoint now) const;

  // Verifies a token this service issued: RS256 only, a published kid, then the Verifier's
  // policy (issuer, exp, token_use...). The caller passes the options (issuer, audiences).
  Result<jwt::VerifiedToken> verify(std::string_view token, const jwt::Verifier& verifier,
                                    TimePoint now, jwt::Check* failed = nullptr) const;

  const std::vector<SigningKey>& keys() const { return keys_; }

 private:
  std::vector<SigningKey> keys_;
};

struct RotationPolicy {
  // The active key is replaced once it has signed for this long.
  std::chrono::seconds rotate_after = std::chrono::hours(24 * 30);
  // How long a superseded key stays published (must cover the longest token lifetime).
  std::chrono::seconds overlap = std::chrono::hours(48);
};

// What a rotation run must do.
struct RotationPlan {
  bool create = false;       // generate a key that activates at `now`
  std::string supersede;     // kid of the key whose retires_at becomes now + overlap
  TimePoint supersede_retires_at;
};

// The policy as a pure function: create a key when none is active, when the active one is
// older than rotate_after, or when `force` (operator-requested rotation, e.g. after a
// suspected leak — then the caller should also pass a short overlap).
RotationPlan plan_rotation(const std::vector<SigningKey>& keys, TimePoint now,
                           const RotationPolicy& policy, bool force);

// Applies a plan to an in-memory key list (tests and the store's post-commit snapshot).
// `fresh` is the generated key when plan.create.
void apply_rotation(std::vector<SigningKey>& keys, const RotationPlan& plan, TimePoint now,
                    std::optional<jwt::Key> fresh);

}  // namespace dts::identity
