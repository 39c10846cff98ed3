#pragma once
// Passwords: the pool's policy (Cognito PasswordPolicyType) and Argon2id hashing.
//
// Hashes are libsodium's crypto_pwhash_str strings,
//   $argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>
// so the parameters are recorded with every hash: raising them later keeps old hashes
// verifiable, and `needs_rehash` tells when to upgrade one (on the next good sign-in).
//
// Cost: one hash or verify takes `ops` passes over `memory_bytes` of RAM (defaults:
// libsodium's INTERACTIVE, 2 passes x 64 MiB, ~50-100 ms on one core). Callers run them
// on PasswordWorker's small thread pool, never on an I/O thread.
//
// Thread-safety: all functions are pure (libsodium is initialised once, thread-safely).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::identity {

struct PasswordPolicy {
  size_t min_length = 8;  // in code points; Cognito's range is 6..99
  bool require_lowercase = true;
  bool require_uppercase = true;
  bool require_numbers = true;
  bool require_symbols = true;
  int64_t temporary_password_validity_days = 7;
};

inline constexpr size_t kMaxPasswordBytes = 256;  // Cognito's limit

// OK, or InvalidPasswordException with Cognito's wording, e.g.
// "Password did not conform with policy: Password not long enough".
Status check_password_policy(const PasswordPolicy& policy, std::string_view password);

struct Argon2Params {
  uint64_t ops = 2;                        // crypto_pwhash_OPSLIMIT_INTERACTIVE
  uint64_t memory_bytes = 64ull << 20;     // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// Validates params against libsodium's bounds; kInvalidArgument naming the bad one.
Status check_argon2_params(const Argon2Params& params);

// Argon2id hash string (see above). kInternal on allocation failure (out of memory).
Result<std::string> hash_password(std::string_view password, const Argon2Params& params);

// True if `password` matches `hash`; false on mismatch and on a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// True if `hash` was made with parameters other than `params` (upgrade on next sign-in).
bool needs_rehash(std::string_view hash, const Argon2Params& params);

// A random password that satisfies `policy` (AdminCreateUser without TemporaryPassword).
std::string generate_password(const PasswordPolicy& policy);

// Calls sodium_init() once; aborts if libsodium cannot initialise.
void ensure_sodium();

}  // namespace dts::identity
