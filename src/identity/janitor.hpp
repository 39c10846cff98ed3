#pragma once
// Janitor: deletes what can no longer be used, so tables do not grow with every sign-in:
// sessions expired or revoked more than a day ago, expired challenges and codes, dev
// mailbox messages beyond the newest 1000, and OAuth authorization codes expired for more
// than a day (kept that long so a late replay is still recognised and revokes its tokens).
// Runs every `interval` on the service's executor.

#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "identity/oauth/code_store.hpp"
#include "identity/store.hpp"

namespace dts::identity {

// How long an expired authorization code is kept for replay detection.
inline constexpr std::chrono::seconds kAuthCodeKeep{24 * 3600};

// One pass; the number of rows deleted.
boost::asio::awaitable<Result<int64_t>> janitor_pass(Store& store, oauth::CodeStore& codes,
                                                     TimePoint now);

// Loops until the executor stops. Failures are logged and retried at the next tick.
boost::asio::awaitable<void> run_janitor(Store& store, oauth::CodeStore& codes,
                                         std::chrono::seconds interval);

}  // namespace dts::identity
