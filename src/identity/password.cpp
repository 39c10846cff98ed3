#include "identity/password.hpp"

#include <sodium.h>

#include <cstdlib>
#include <mutex>

#include "identity/faults.hpp"

namespace dts::identity {
namespace {

bool is_symbol(unsigned char c) {
  // Cognito's symbol set: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and space
  static constexpr std::string_view kSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
  return kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

Error policy_error(std::string_view what) {
  return fault(kInvalidPassword, "Password did not conform with policy: " + std::string(what));
}

}  // namespace

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
  });
}

Status check_password_policy(const PasswordPolicy& policy, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return fault(kInvalidParameter,
                 "1 validation error detected: Value at 'password' failed to satisfy constraint: "
                 "Member must have length less than or equal to 256");
  }
  for (unsigned char c : password) {
    if (c < 0x20 || c == 0x7f) {
      return fault(kInvalidParameter,
                   "1 validation error detected: Value at 'password' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: [\\S]+.*[\\S]+");
    }
  }
  if (code_points(password) < policy.min_length) return policy_error("Password not long enough");
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
    digit |= c >= '0' && c <= '9';
    symbol |= is_symbol(c);
  }
  if (policy.require_lowercase && !lower) {
    return policy_error("Password must have lowercase characters");
  }
  if (policy.require_uppercase && !upper) {
    return policy_error("Password must have uppercase characters");
  }
  if (policy.require_numbers && !digit) return policy_error("Password must have numeric characters");
  if (policy.require_symbols && !symbol) return policy_error("Password must have symbol characters");
  return ok_status();
}

Status check_argon2_params(const Argon2Params& params) {
  if (params.ops < crypto_pwhash_OPSLIMIT_MIN || params.ops > 64) {
    return invalid_argument("argon2 ops must be in [1, 64]");
  }
  if (params.memory_bytes < crypto_pwhash_MEMLIMIT_MIN ||
      params.memory_bytes > (uint64_t{4} << 30)) {
    return invalid_argument("argon2 memory must be in [8KiB, 4GiB]");
  }
  return ok_status();
}

Result<std::string> hash_password(std::string_view password, const Argon2Params& params) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops,
                            static_cast<size_t>(params.memory_bytes),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return internal_error("argon2id: out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  char buffer[crypto_pwhash_STRBYTES] = {};
  hash.copy(buffer, hash.size());
  return crypto_pwhash_str_verify(buffer, password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash, const Argon2Params& params) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  char buffer[crypto_pwhash_STRBYTES] = {};
  hash.copy(buffer, hash.size());
  return crypto_pwhash_str_needs_rehash(buffer, params.ops,
                                        static_cast<size_t>(params.memory_bytes)) != 0;
}

std::string generate_password(const PasswordPolicy& policy) {
  ensure_sodium();
  static constexpr std::string_view kLower = "abcdefghijkmnopqrstuvwxyz";
  static constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view kDigits = "23456789";
  static constexpr std::string_view kSymbols = "!#%+-=_";
  auto pick = [](std::string_view set) {
    return set[randombytes_uniform(static_cast<uint32_t>(set.size()))];
  };
  std::string out;
  out.push_back(pick(kLower));
  out.push_back(pick(kUpper));
  out.push_back(pick(kDigits));
  out.push_back(pick(kSymbols));
  size_t length = std::max<size_t>(policy.min_length, 16);
  std::string all = std::string(kLower) + std::string(kUpper) + std::string(kDigits);
  while (out.size() < length) out.push_back(pick(all));
  // Fisher-Yates so the required classes are not always first.
  for (size_t i = out.size() - 1; i > 0; --i) {
    size_t j = randombytes_uniform(static_cast<uint32_t>(i + 1));
    std::swap(out[i], out[j]);
  }
  return out;
}

}  // namespace dts::identity
