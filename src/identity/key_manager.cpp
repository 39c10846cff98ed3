#include "identity/key_manager.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace dts::identity {
namespace {

// The set of (kid, retires_at) that decides whether anything visible changed.
std::string fingerprint(const KeyRing& ring, TimePoint now) {
  std::string out;
  if (const SigningKey* active = ring.active(now)) {
    out = active->key.kid() + "|";
  }
  for (const SigningKey& k : ring.keys()) {
    out += k.key.kid();
    out += k.retires_at ? ":" + std::to_string(k.retires_at->time_since_epoch().count()) : ":-";
    out += ',';
  }
  return out;
}

}  // namespace

KeyManager::KeyManager(KeyStore& store, KeyManagerOptions options, OnChange on_change)
    : store_(store), options_(options), on_change_(std::move(on_change)) {}

std::shared_ptr<const KeyRing> KeyManager::ring() const {
  std::lock_guard lock(mutex_);
  return ring_;
}

std::shared_ptr<const std::string> KeyManager::jwks_json(TimePoint now) {
  std::lock_guard lock(mutex_);
  if (!jwks_ || now >= jwks_valid_until_) {
    jwks_ = std::make_shared<const std::string>(ring_->jwks_json(now));
    jwks_valid_until_ = TimePoint::max();
    for (const SigningKey& k : ring_->keys()) {
      if (k.retires_at && *k.retires_at > now && *k.retires_at < jwks_valid_until_) {
        jwks_valid_until_ = *k.retires_at;
      }
    }
  }
  return jwks_;
}

void KeyManager::install(std::vector<SigningKey> keys) {
  auto fresh = std::make_shared<const KeyRing>(std::move(keys));
  TimePoint now = Clock::now();
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = fingerprint(*ring_, now) != fingerprint(*fresh, now);
    ring_ = fresh;
    if (changed) {
      jwks_.reset();
    }
  }
  if (changed) {
    const SigningKey* active = fresh->active(now);
    log::info("identity signing keys loaded",
              {{"active_kid", active != nullptr ? active->key.kid() : ""},
               {"published", static_cast<int64_t>(fresh->published(now).size())}});
    if (on_change_) {
      on_change_(*fresh);
    }
  }
}

boost::asio::awaitable<Status> KeyManager::refresh(bool force) {
  auto keys = co_await store_.rotate(Clock::now(), options_.policy, force);
  if (!keys.ok()) {
    co_return keys.error();
  }
  install(std::move(*keys));
  co_return ok_status();
}

boost::asio::awaitable<Status> KeyManager::start() {
  Status st = co_await refresh(false);
  if (!st.ok()) {
    co_return st;
  }
  if (ring()->active(Clock::now()) == nullptr) {
    co_return internal_error("no active signing key after start-up");
  }
  co_return ok_status();
}

// A member coroutine, not a capturing lambda: a lambda's captures live in the closure object,
// which would be gone once spawn_loop returned while the coroutine still runs.
boost::asio::awaitable<void> KeyManager::loop() {
  auto ex = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(ex);
  for (;;) {
    timer.expires_after(options_.check_interval);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) {
      co_return;
    }
    Status st = co_await refresh(false);
    if (!st.ok()) {
      log::warn("identity signing key refresh failed", {{"error", st.error().to_string()}});
    }
  }
}

void KeyManager::spawn_loop(boost::asio::any_io_executor executor) {
  boost::asio::co_spawn(executor, loop(), boost::asio::detached);
}

}  // namespace dts::identity
