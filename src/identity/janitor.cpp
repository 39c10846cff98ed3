#include "identity/janitor.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "common/pg/co_try.hpp"

namespace dts::identity {

boost::asio::awaitable<Result<int64_t>> janitor_pass(Store& store, oauth::CodeStore& codes,
                                                     TimePoint now) {
  DTS_CO_ASSIGN_OR_RETURN(int64_t rows, co_await store.purge_expired());
  DTS_CO_ASSIGN_OR_RETURN(int64_t auth_codes, co_await codes.purge(now, kAuthCodeKeep));
  co_return rows + auth_codes;
}

boost::asio::awaitable<void> run_janitor(Store& store, oauth::CodeStore& codes,
                                         std::chrono::seconds interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (true) {
    timer.expires_after(interval);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;  // the server is stopping
    auto purged = co_await janitor_pass(store, codes, Clock::now());
    if (!purged.ok()) {
      log::warn("identity janitor failed", {{"error", purged.error().message()}});
    } else if (*purged > 0) {
      log::info("identity janitor purged expired rows", {{"rows", *purged}});
    }
  }
}

}  // namespace dts::identity
