#pragma once
// KeyManager: the service-side owner of the signing keys. At start it makes sure a key
// exists (creating and sealing one on the first start, serialized across instances by the
// store's advisory lock); then, every `check_interval`, it applies the rotation policy and
// reloads the keys, so every instance picks up a rotation done by another one and drops
// retired keys on time.
//
// Readers take an immutable snapshot (`ring()`), never blocking on the database. Whenever the
// active key or the published set changes, `on_change` runs (the TokenIssuer swaps its keys).
//
// Thread-safety: ring() from any thread; start()/run() from the service's executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "common/result.hpp"
#include "identity/key_store.hpp"
#include "identity/signing_keys.hpp"

namespace dts::identity {

struct KeyManagerOptions {
  RotationPolicy policy;
  std::chrono::seconds check_interval{60};
};

class KeyManager {
 public:
  using OnChange = std::function<void(const KeyRing&)>;

  KeyManager(KeyStore& store, KeyManagerOptions options, OnChange on_change = {});

  // Ensures an active key exists and loads the ring (blocking start-up step is the caller's
  // choice: co_await it before listening). Errors: database, wrong KEK, tampered key.
  boost::asio::awaitable<Status> start();

  // One policy check + reload (what the background loop runs; tests call it directly).
  // `force` rotates now (operator action).
  boost::asio::awaitable<Status> refresh(bool force = false);

  // Runs refresh() every check_interval until the executor stops. Errors are logged and
  // the previous snapshot keeps serving (keys only retire on their own schedule).
  void spawn_loop(boost::asio::any_io_executor executor);

  std::shared_ptr<const KeyRing> ring() const;

  // The JWKS document at `now`, rendered once per change of the published set (the
  // endpoint is hit by every verifier; rendering RSA JWKs per request would dominate it).
  std::shared_ptr<const std::string> jwks_json(TimePoint now);

 private:
  void install(std::vector<SigningKey> keys);
  boost::asio::awaitable<void> loop();

  KeyStore& store_;
  KeyManagerOptions options_;
  OnChange on_change_;
  mutable std::mutex mutex_;
  std::shared_ptr<const KeyRing> ring_ = std::make_shared<KeyRing>();
  std::shared_ptr<const std::string> jwks_;
  TimePoint jwks_valid_until_{};  // the next retirement after rendering
};

}  // namespace dts::identity
