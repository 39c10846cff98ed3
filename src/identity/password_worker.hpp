#pragma once
// PasswordWorker: runs Argon2id off the I/O threads.
//
// Each hash/verify costs tens of milliseconds and `memory_bytes` of RAM, so they run on a
// small private thread pool: the HTTP threads stay responsive, and peak memory is bounded
// by threads x memory_bytes. At most `max_queued` operations wait; beyond that callers get
// TooManyRequestsException instead of an unbounded queue.
//
// `verify_dummy` burns the same time as a real verify against a hash made at start-up with
// the current parameters: the unknown-user path of sign-in must cost what a wrong
// password costs, or response time tells which usernames exist.
//
// Thread-safety: all methods may be called from any coroutine on any executor; the
// coroutine resumes on its own executor. Destroy only after every caller has finished.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "identity/password.hpp"

namespace boost::asio {
class thread_pool;
}

namespace dts::identity {

class PasswordWorker {
 public:
  PasswordWorker(Argon2Params params, size_t threads = 2, size_t max_queued = 256);
  ~PasswordWorker();
  PasswordWorker(const PasswordWorker&) = delete;
  PasswordWorker& operator=(const PasswordWorker&) = delete;

  boost::asio::awaitable<Result<std::string>> hash(std::string password);
  // {matches, needs_rehash}; an overloaded worker is an error (TooManyRequestsException).
  struct Verdict {
    bool matches = false;
    bool needs_rehash = false;
  };
  boost::asio::awaitable<Result<Verdict>> verify(std::string hash, std::string password);
  // Same cost as verify(); always "no match".
  boost::asio::awaitable<Status> verify_dummy(std::string password);

  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
  std::string dummy_hash_;
  size_t max_queued_;
  std::atomic<size_t> queued_{0};
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace dts::identity
