#pragma once
// Start-up data: the default user pool, its public SPA client and the platform's groups,
// created idempotently from the configuration (every instance may run it at every start).

#include "identity/accounts.hpp"
#include "identity/config.hpp"
#include "identity/store.hpp"

namespace dts::identity {

Task<Status> bootstrap_defaults(Store& store, const Config& config);

// The dev mailbox sender: stores the message (`dts identity mailbox`) and logs it.
CodeSender dev_mailbox_sender(Store& store);

}  // namespace dts::identity
