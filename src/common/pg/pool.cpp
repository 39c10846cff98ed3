#include "common/pg/pool.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <mutex>
#include <random>

#include "common/log.hpp"

namespace dts::pg {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace detail {

// One queued acquirer. `granted` is set under the pool mutex when a connection (or, with
// conn == nullptr, the right to open one) is handed over; the channel only wakes the waiter,
// so a wake-up racing with its timeout can never lose a connection.
struct Waiter {
  explicit Waiter(Executor executor) : wake(std::move(executor), 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> wake;
  std::unique_ptr<Connection> conn;
  bool granted = false;
};

struct PoolState {
  PoolState(Executor ex, PoolOptions opts)
      : executor(std::move(ex)), options(std::move(opts)), backoff(options.backoff_initial) {}

  Executor executor;
  const PoolOptions options;
  mutable std::mutex mutex;
  std::deque<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<Waiter>> waiters;
  std::size_t open = 0;
  bool closed = false;
  Clock::time_point next_connect_at{};
  Millis backoff;
  std::string last_connect_error;

  // Returns a connection (or just its slot, when conn is null or unusable).
  void release(std::unique_ptr<Connection> conn) {
    bool reusable = conn && !conn->broken() && !conn->in_transaction();
    std::unique_ptr<Connection> dead;
    std::shared_ptr<Waiter> woken;
    {
      std::lock_guard lock(mutex);
      if (!reusable || closed) {
        dead = std::move(conn);
      }
      if (!closed && !waiters.empty()) {
        woken = std::move(waiters.front());
        waiters.pop_front();
        woken->conn = std::move(conn);  // null: the slot is handed over instead
        woken->granted = true;
      } else if (conn) {
        idle.push_back(std::move(conn));
      } else {
        --open;
      }
    }
    if (woken) {
      woken->wake.try_send(boost::system::error_code{});
    }
  }

  void note_connect_failure(const Error& error) {
    std::lock_guard lock(mutex);
    thread_local std::mt19937 rng{std::random_device{}()};
    // Full jitter: anywhere between half and all of the current backoff.
    auto span = backoff.count();
    auto wait = Millis(std::uniform_int_distribution<Millis::rep>(span / 2, span)(rng));
    next_connect_at = Clock::now() + wait;
    backoff = std::min(options.backoff_max, backoff * 2);
    last_connect_error = error.message();
  }

  void note_connect_success() {
    std::lock_guard lock(mutex);
    backoff = options.backoff_initial;
    next_connect_at = {};
    last_connect_error.clear();
  }
};

}  // namespace detail

namespace {

Awaitable<void> sleep_until(Clock::time_point when) {
  asio::steady_timer timer(co_await asio::this_coro::executor, when);
  co_await timer.async_wait(as_tuple(use_awaitable));
}

// Opens a connection for a reserved slot, retrying with the pool's shared backoff until
// `deadline`.
Awaitable<Result<std::unique_ptr<Connection>>> open_connection(
    std::shared_ptr<detail::PoolState> state, Clock::time_point deadline) {
  for (;;) {
    Clock::time_point not_before;
    std::string last_error;
    {
      std::lock_guard lock(state->mutex);
      not_before = state->next_connect_at;
      last_error = state->last_connect_error;
    }
    if (not_before > Clock::now()) {
      if (not_before >= deadline) {
        co_return unavailable("PostgreSQL is unavailable (reconnecting with backoff): " +
                              last_error);
      }
      co_await sleep_until(not_before);
    }
    ConnectOptions options = state->options.connection;
    auto remaining = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    options.connect_timeout = std::max(Millis(1), std::min(options.connect_timeout, remaining));
    auto conn = co_await Connection::connect(state->executor, state->options.conninfo, options);
    if (conn.ok()) {
      state->note_connect_success();
      co_return conn;
    }
    if (conn.error().code() == Code::kInvalidArgument) {
      co_return conn.error();  // a bad conninfo does not get better by retrying
    }
    state->note_connect_failure(conn.error());
    log::warn("postgres connect failed", {{"error", conn.error().message()}});
    if (Clock::now() >= deadline) {
      co_return conn.error();
    }
  }
}

}  // namespace

Lease::Lease(std::shared_ptr<detail::PoolState> state, std::unique_ptr<Connection> conn)
    : state_(std::move(state)), conn_(std::move(conn)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    give_back();
    state_ = std::move(other.state_);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Lease::~Lease() { give_back(); }

void Lease::give_back() {
  if (state_) {
    state_->release(std::move(conn_));
    state_.reset();
  }
}

Pool::Pool(Executor executor, PoolOptions options)
    : state_(std::make_shared<detail::PoolState>(std::move(executor), std::move(options))) {}

Pool::~Pool() {
  std::deque<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<detail::Waiter>> waiters;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    idle.swap(state_->idle);
    waiters.swap(state_->waiters);
    state_->open -= idle.size();
  }
  for (auto& waiter : waiters) {
    waiter->wake.try_send(boost::system::error_code{});
  }
}

const PoolOptions& Pool::options() const { return state_->options; }

PoolStats Pool::stats() const {
  std::lock_guard lock(state_->mutex);
  return {state_->open, state_->idle.size(), state_->waiters.size()};
}

Awaitable<Result<Lease>> Pool::acquire() {
  std::shared_ptr<detail::PoolState> state = state_;
  const auto deadline = Clock::now() + state->options.acquire_timeout;
  const Executor executor = co_await asio::this_coro::executor;
  std::unique_ptr<Connection> conn;
  std::shared_ptr<detail::Waiter> waiter;
  std::vector<std::unique_ptr<Connection>> dead;
  {
    std::lock_guard lock(state->mutex);
    if (state->closed) {
      co_return unavailable("the PostgreSQL pool is shut down");
    }
    while (!state->idle.empty() && !conn) {
      std::unique_ptr<Connection> candidate = std::move(state->idle.back());
      state->idle.pop_back();
      if (candidate->check_idle()) {
        conn = std::move(candidate);
      } else {
        dead.push_back(std::move(candidate));  // e.g. the server restarted meanwhile
        --state->open;
      }
    }
    if (!conn && state->open < state->options.max_size) {
      ++state->open;  // reserve the slot; we open the connection outside the lock
    } else if (!conn) {
      waiter = std::make_shared<detail::Waiter>(executor);
      state->waiters.push_back(waiter);
    }
  }
  dead.clear();
  if (conn) {
    co_return Lease(state, std::move(conn));
  }

  if (waiter) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(executor, deadline);
    co_await (waiter->wake.async_receive(as_tuple(use_awaitable)) ||
              timer.async_wait(as_tuple(use_awaitable)));
    std::lock_guard lock(state->mutex);
    if (!waiter->granted) {
      std::erase(state->waiters, waiter);
      if (state->closed) {
        co_return unavailable("the PostgreSQL pool is shut down");
      }
      co_return unavailable("PostgreSQL pool exhausted: no connection became free within " +
                            std::to_string(state->options.acquire_timeout.count()) +
                            " ms (max_size " + std::to_string(state->options.max_size) + ")");
    }
    if (waiter->conn) {
      co_return Lease(state, std::move(waiter->conn));
    }
    // Otherwise we inherited a slot whose connection was discarded: open a new one.
  }

  auto opened = co_await open_connection(state, deadline);
  if (!opened.ok()) {
    state->release(nullptr);  // give the slot back (to a waiter, if any)
    co_return opened.error();
  }
  co_return Lease(state, std::move(opened).value());
}

Awaitable<Status> Pool::ping(Millis timeout) {
  auto lease = co_await acquire();
  if (!lease.ok()) {
    co_return lease.error();
  }
  auto rows = co_await (*lease)->query_params("SELECT 1", {}, timeout);
  if (!rows.ok()) {
    co_return rows.error();
  }
  co_return ok_status();
}

}  // namespace dts::pg
