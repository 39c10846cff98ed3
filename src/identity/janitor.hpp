#pragma once
// Janitor: deletes what can no longer be used, so tables do not grow with every sign-in:
// sessions expired or revoked more than a day ago, expired challenges and codes, and dev
// mailbox messages beyond the newest 1000. Runs every `interval` on the service's executor.

#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "identity/store.hpp"

namespace dts::identity {

// Loops until the executor stops. Failures are logged and retried at the next tick.
boost::asio::awaitable<void> run_janitor(Store& store, std::chrono::seconds interval);

}  // namespace dts::identity
