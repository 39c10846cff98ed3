#pragma once
// SQL for the signing keys (table identity.signing_keys, migrations/identity/0002): private
// keys are sealed with KeyEncryption before they reach the database and opened on load.
//
// `rotate` serializes concurrent instances on a transaction-scoped advisory lock, so two
// processes starting at once create one key, not two.
//
// Thread-safety: the store holds references only; call it from any coroutine.

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "common/pg/connection.hpp"
#include "common/pg/pool.hpp"
#include "common/result.hpp"
#include "identity/key_encryption.hpp"
#include "identity/signing_keys.hpp"

namespace dts::identity {

class KeyStore {
 public:
  KeyStore(pg::Pool& pool, const KeyEncryption& kek) : pool_(pool), kek_(kek) {}

  // Every key still published at `now`, private parts opened. A key sealed under another KEK
  // is kFailedPrecondition naming both KEK ids; a tampered one kUnauthenticated.
  boost::asio::awaitable<Result<std::vector<SigningKey>>> load(TimePoint now);

  // Loads, applies plan_rotation(policy, force) and returns the keys after it.
  boost::asio::awaitable<Result<std::vector<SigningKey>>> rotate(TimePoint now,
                                                                 RotationPolicy policy,
                                                                 bool force);

 private:
  boost::asio::awaitable<Result<std::vector<SigningKey>>> load_on(pg::Connection& conn,
                                                                  TimePoint now);

  pg::Pool& pool_;
  const KeyEncryption& kek_;
};

}  // namespace dts::identity
