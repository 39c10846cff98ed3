#include "identity/password_worker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "identity/faults.hpp"

namespace dts::identity {
namespace {

using boost::asio::awaitable;

// Counts an operation in the queue for as long as it lives.
class Slot {
 public:
  explicit Slot(std::atomic<size_t>& counter) : counter_(counter) { ++counter_; }
  ~Slot() { --counter_; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::atomic<size_t>& counter_;
};

Error overloaded() { return fault(kTooManyRequests, "Too many requests, please try again later."); }

}  // namespace

PasswordWorker::PasswordWorker(Argon2Params params, size_t threads, size_t max_queued)
    : params_(params),
      max_queued_(max_queued),
      pool_(std::make_unique<boost::asio::thread_pool>(threads == 0 ? 1 : threads)) {
  // A real hash of a random password: verifying against it costs what a real verify costs.
  auto dummy = hash_password(generate_password(PasswordPolicy{}), params_);
  dummy_hash_ = dummy.ok() ? *dummy : std::string();
}

PasswordWorker::~PasswordWorker() { pool_->join(); }

awaitable<Result<std::string>> PasswordWorker::hash(std::string password) {
  if (queued_.load() >= max_queued_) co_return overloaded();
  Slot slot(queued_);
  Argon2Params params = params_;
  // co_spawn onto the pool and await it: the caller resumes on its own executor.
  // (Named locals, not temporaries, inside co_await: GCC 12 coroutine pitfall.)
  auto task = [password = std::move(password), params]() -> awaitable<std::optional<std::string>> {
    auto h = hash_password(password, params);
    if (!h.ok()) co_return std::nullopt;
    co_return std::move(*h);
  };
  auto op = boost::asio::co_spawn(pool_->get_executor(), std::move(task), boost::asio::use_awaitable);
  std::optional<std::string> out = co_await std::move(op);
  if (!out) co_return internal_error("argon2id: hashing failed");
  co_return std::move(*out);
}

awaitable<Result<PasswordWorker::Verdict>> PasswordWorker::verify(std::string hash,
                                                                   std::string password) {
  if (queued_.load() >= max_queued_) co_return overloaded();
  Slot slot(queued_);
  Argon2Params params = params_;
  auto task = [hash = std::move(hash), password = std::move(password),
               params]() -> awaitable<std::pair<bool, bool>> {
    bool ok = verify_password(hash, password);
    co_return std::pair<bool, bool>{ok, ok && needs_rehash(hash, params)};
  };
  auto op = boost::asio::co_spawn(pool_->get_executor(), std::move(task), boost::asio::use_awaitable);
  std::pair<bool, bool> out = co_await std::move(op);
  co_return Verdict{out.first, out.second};
}

awaitable<Status> PasswordWorker::verify_dummy(std::string password) {
  auto v = co_await verify(dummy_hash_, std::move(password));
  if (!v.ok()) co_return v.error();
  co_return ok_status();
}

}  // namespace dts::identity
