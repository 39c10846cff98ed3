#include "common/pg/listener.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "common/log.hpp"

namespace dts::pg {

namespace asio = boost::asio;

struct Listener::Impl {
  Impl(Executor executor, ListenerOptions opts)
      : strand(asio::make_strand(executor)), options(std::move(opts)), timer(strand) {}

  // `self` keeps the state alive for the whole loop, even if the Listener is gone.
  Awaitable<void> run(std::shared_ptr<Impl> self);
  Awaitable<void> pause(Millis& backoff);
  void deliver(const std::vector<Notification>& notifications);

  asio::strand<Executor> strand;
  ListenerOptions options;
  asio::steady_timer timer;          // touched on the strand only
  std::unique_ptr<Connection> conn;  // touched on the strand only
  std::atomic<bool> stopped{false};
  std::atomic<bool> listening{false};
};

namespace {

std::string listen_script(const std::vector<std::string>& channels) {
  std::string sql;
  for (const auto& channel : channels) {
    sql += "LISTEN " + quote_identifier(channel) + ";";
  }
  return sql;
}

}  // namespace

Awaitable<void> Listener::Impl::pause(Millis& backoff) {
  if (stopped) {
    co_return;
  }
  thread_local std::mt19937 rng{std::random_device{}()};
  auto span = backoff.count();
  timer.expires_after(Millis(std::uniform_int_distribution<Millis::rep>(span / 2, span)(rng)));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  backoff = std::min(options.backoff_max, backoff * 2);
}

void Listener::Impl::deliver(const std::vector<Notification>& notifications) {
  for (const auto& n : notifications) {
    if (stopped) {
      return;
    }
    if (options.on_notification) {
      options.on_notification(n);
    }
  }
}

Awaitable<void> Listener::Impl::run(std::shared_ptr<Impl> /*self*/) {
  Millis backoff = options.backoff_initial;
  const std::string script = listen_script(options.channels);
  while (!stopped) {
    auto opened = co_await Connection::connect(strand, options.conninfo, options.connection);
    if (!opened.ok()) {
      log::warn("listener connect failed", {{"error", opened.error().message()}});
      co_await pause(backoff);
      continue;
    }
    conn = std::move(opened).value();
    if (stopped) {
      break;
    }
    auto listened = co_await conn->execute(script);
    if (!listened.ok()) {
      log::warn("LISTEN failed", {{"error", listened.error().message()}});
      conn.reset();
      co_await pause(backoff);
      continue;
    }
    backoff = options.backoff_initial;
    listening = true;
    if (options.on_connected && !stopped) {
      options.on_connected();
    }
    while (!stopped) {
      deliver(conn->take_notifications());
      if (stopped) {
        break;
      }
      Status input = co_await conn->wait_for_input();
      if (!input.ok()) {
        if (!stopped) {
          log::warn("listener connection lost", {{"error", input.error().message()}});
        }
        break;
      }
    }
    listening = false;
    conn.reset();
  }
}

Listener::Listener(Executor executor, ListenerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Listener::~Listener() { stop(); }

void Listener::start() { asio::co_spawn(impl_->strand, impl_->run(impl_), asio::detached); }

void Listener::stop() {
  if (impl_->stopped.exchange(true)) {
    return;
  }
  asio::post(impl_->strand, [impl = impl_] {
    impl->timer.cancel();
    if (impl->conn) {
      impl->conn->cancel_wait();
    }
  });
}

bool Listener::connected() const { return impl_->listening; }

}  // namespace dts::pg
