#pragma once
// SQL for the identity service (schema `identity`, migrations/identity/). One method per
// statement or small transaction; the rules (who may do what, code checks, throttling)
// live in accounts*.cpp. Values always travel as parameters.
//
// Errors: kNotFound for a missing row where the caller asked for one; a unique violation
// is kAlreadyExists (pg error mapping); everything else is the pool's error (kUnavailable...).
// Thread-safety: a Store may be used by any number of coroutines at once (pooled leases).

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/pg/pool.hpp"
#include "common/result.hpp"
#include "identity/model.hpp"

namespace dts::identity {

template <typename T>
using Task = boost::asio::awaitable<T>;

// ListUsers Filter, already validated: `attribute` is one of the names in
// list_filter.hpp; `value` is normalized for that attribute.
struct UserFilter {
  std::string attribute;  // empty = no filter
  bool prefix = false;    // "^=" instead of "="
  std::string value;
};

struct CodeRow {
  std::string code_hash;
  int64_t attempts = 0;
  bool expired = false;
};

struct ChallengeRow {
  std::string user_id;
  std::string client_id;
  std::string name;
  bool expired = false;
};

class Store {
 public:
  explicit Store(pg::Pool& pool) : pool_(pool) {}

  // Pools and app clients.
  Task<Status> ensure_pool(UserPool pool);  // insert if missing
  Task<Result<UserPool>> get_pool(std::string id);
  Task<Status> upsert_client(AppClient client);  // insert or update settings
  Task<Result<AppClient>> get_client(std::string id);

  // Users. `skeleton` is the confusable skeleton (username.hpp).
  Task<Result<User>> create_user(User user, std::string skeleton);
  Task<Result<User>> find_user(std::string pool_id, std::string username_key);
  Task<Result<User>> get_user(std::string user_id);
  Task<Status> set_status(std::string user_id, UserStatus status);
  Task<Status> set_password(std::string user_id, std::string hash, UserStatus status);
  Task<Status> set_enabled(std::string user_id, bool enabled);
  Task<Status> set_attributes(std::string user_id, Attributes attributes);
  Task<Status> delete_user(std::string user_id);
  // Ordered by username_key, those after `after_key`.
  Task<Result<std::vector<User>>> list_users(std::string pool_id, UserFilter filter, int64_t limit,
                                             std::string after_key);

  // Groups.
  Task<Result<Group>> create_group(Group group);  // kAlreadyExists if present
  Task<Status> ensure_group(Group group);
  Task<Result<Group>> get_group(std::string pool_id, std::string name);
  Task<Result<std::vector<Group>>> list_groups(std::string pool_id, int64_t limit,
                                               std::string after_name);
  Task<Status> add_member(std::string pool_id, std::string group, std::string user_id);
  Task<Status> remove_member(std::string pool_id, std::string group, std::string user_id);
  // The user's groups ordered by name, after `after_name`; limit <= 0 = all.
  Task<Result<std::vector<Group>>> user_groups(std::string user_id, int64_t limit = 0,
                                               std::string after_name = {});

  // One-time codes (one live code per user and purpose; a new one replaces the old).
  Task<Status> put_code(std::string user_id, std::string purpose, std::string hash,
                        int64_t ttl_seconds);
  Task<Result<std::optional<CodeRow>>> get_code(std::string user_id, std::string purpose);
  Task<Status> count_code_failure(std::string user_id, std::string purpose);
  // Deletes the code if it matches, is unexpired and under the attempt limit; true if this
  // call consumed it (exactly one of two concurrent confirmations wins).
  Task<Result<bool>> consume_code(std::string user_id, std::string purpose, std::string hash,
                                  int64_t max_attempts);
  Task<Status> delete_code(std::string user_id, std::string purpose);

  // Confirmation steps, each one atomic statement (store_confirm.cpp); true if it happened.
  // The code (matching, unexpired, under the attempt limit) is consumed and the UNCONFIRMED
  // user confirmed with email_verified=true, or neither.
  Task<Result<bool>> confirm_with_code(std::string user_id, std::string purpose, std::string hash,
                                       int64_t max_attempts);
  // An UNCONFIRMED user confirmed and its `purpose` code deleted, or neither.
  Task<Result<bool>> admin_confirm(std::string user_id, std::string purpose);
  // The code consumed, the password replaced and every session revoked, or none of it.
  Task<Result<bool>> reset_password_with_code(std::string user_id, std::string purpose,
                                              std::string hash, int64_t max_attempts,
                                              std::string password_hash);

  // Sessions (refresh tokens).
  Task<Status> create_session(Session session, std::string token_hash);
  Task<Result<std::optional<Session>>> find_session(std::string token_hash);
  // True if the session exists, is not revoked and not expired.
  Task<Result<bool>> session_active(std::string origin_jti);
  Task<Status> revoke_session(std::string origin_jti);
  Task<Status> revoke_user_sessions(std::string user_id);

  // Challenge sessions (NEW_PASSWORD_REQUIRED).
  Task<Status> create_challenge(std::string session_hash, std::string user_id,
                                std::string client_id, std::string name, int64_t ttl_seconds);
  // Deletes and returns it: single use.
  Task<Result<std::optional<ChallengeRow>>> take_challenge(std::string session_hash);

  // Deletes expired sessions/challenges/codes and old dev mailbox messages; rows deleted.
  Task<Result<int64_t>> purge_expired();

  // Dev mailbox.
  Task<Status> add_mail(MailboxMessage message);
  Task<Result<std::vector<MailboxMessage>>> list_mail(int64_t limit);

 private:
  pg::Pool& pool_;
};

// For tools that hold a plain connection (`dts identity mailbox`).
Task<Result<std::vector<MailboxMessage>>> read_mailbox(pg::Connection& conn, int64_t limit);

}  // namespace dts::identity
