#include "identity/janitor.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace dts::identity {

boost::asio::awaitable<void> run_janitor(Store& store, std::chrono::seconds interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (true) {
    timer.expires_after(interval);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;  // the server is stopping
    auto purged = co_await store.purge_expired();
    if (!purged.ok()) {
      log::warn("identity janitor failed", {{"error", purged.error().message()}});
    } else if (*purged > 0) {
      log::info("identity janitor purged expired rows", {{"rows", *purged}});
    }
  }
}

}  // namespace dts::identity
