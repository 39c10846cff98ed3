#pragma once
// Authorization codes (table identity.authorization_codes, migrations/identity/0002): issued
// by the hosted login, redeemed once at /oauth2/token.
//
// The code itself (32 random bytes, base64url) is returned to the caller once and stored only
// as its SHA-256, so a database read does not yield usable codes. Redemption is a single
// UPDATE ... WHERE consumed_at IS NULL, so two concurrent redemptions of one code cannot both
// win; the loser (and any later replay) learns the token family the first one produced, so
// the caller can revoke it (RFC 6749 §4.1.2).
//
// Thread-safety: references only; call from any coroutine.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "common/pg/pool.hpp"
#include "common/result.hpp"
#include "identity/signing_keys.hpp"

namespace dts::identity::oauth {

struct AuthorizationCode {
  std::string client_id;
  std::string user_sub;
  std::string redirect_uri;
  std::string scope;
  std::optional<std::string> code_challenge;  // S256
  std::optional<std::string> nonce;
  int64_t auth_time = 0;
  int64_t expires_at = 0;  // epoch seconds
};

struct Redeemed {
  enum class Outcome { kOk, kUnknown, kReplayed, kExpired };
  Outcome outcome = Outcome::kUnknown;
  AuthorizationCode code;          // kOk, kExpired
  std::optional<std::string> origin_jti;  // kReplayed: the family the first redemption made
};

class CodeStore {
 public:
  explicit CodeStore(pg::Pool& pool) : pool_(pool) {}

  // Stores `code` (expires_at set by the caller) and returns the plaintext code.
  boost::asio::awaitable<Result<std::string>> create(AuthorizationCode code);

  // Consumes the code. kExpired codes are consumed too (a code is never usable twice).
  boost::asio::awaitable<Result<Redeemed>> redeem(std::string code, TimePoint now);

  // Records the origin_jti of the tokens a redeemed code produced.
  boost::asio::awaitable<Status> set_origin(std::string code, std::string origin_jti);

  // Deletes codes expired for more than `keep` (housekeeping); returns how many.
  boost::asio::awaitable<Result<int64_t>> purge(TimePoint now, std::chrono::seconds keep);

 private:
  pg::Pool& pool_;
};

}  // namespace dts::identity::oauth
