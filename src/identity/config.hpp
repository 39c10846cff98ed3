#pragma once
// The identity service's configuration, read once from the environment (design.md §4.5).
// Every variable is listed in README.md; a bad value stops the process naming it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/service_runtime.hpp"
#include "identity/password.hpp"
#include "identity/sigv4.hpp"
#include "identity/triggers/triggers.hpp"

namespace dts::identity {

inline constexpr uint16_t kDefaultPort = 9001;
inline constexpr const char* kServiceName = "identity";

struct Config {
  RuntimeConfig runtime;
  std::string database_url;
  std::filesystem::path migrations_root;
  size_t pool_size = 10;
  bool migrate_on_start = false;  // IDENTITY_MIGRATE: for `dts identity` without `dts up`

  // The pool and public SPA client created (idempotently) at start.
  std::string default_pool_id = "us-east-1_DTSlocal";
  std::string default_pool_name = "dts";
  std::string spa_client_id = "dtslocalspaclient";
  std::string spa_client_name = "dts-web";
  std::vector<std::string> spa_callback_urls;
  std::vector<std::string> spa_logout_urls;
  std::vector<std::string> default_groups;  // "admin:0,member:1,..." -> created in the pool

  // "iss" = issuer_base + "/" + pool id (Cognito's shape), unless IDENTITY_ISSUER overrides it
  // for the default pool.
  std::string issuer_base;
  std::string default_pool_issuer;
  // Signing keys (key_manager.hpp): sealed at rest with the key-encryption key, which comes
  // from IDENTITY_KEY_ENCRYPTION_KEY or, under `dts up` (DTS_HOME set), from a file generated
  // there once.
  std::string key_encryption_key;
  std::filesystem::path key_encryption_key_file;
  std::chrono::seconds key_rotate_after{30 * 24 * 3600};
  std::chrono::seconds key_overlap{48 * 3600};
  std::chrono::seconds key_check_interval{60};

  // OAuth / OIDC endpoints (oauth/provider.hpp).
  std::string public_url;  // IDENTITY_PUBLIC_URL, default issuer_base
  std::chrono::seconds auth_code_ttl{300};
  std::chrono::seconds csrf_max_age{3600};
  std::chrono::seconds jwks_max_age{300};

  SigV4Credentials admin;  // empty = admin actions refused
  std::chrono::seconds sigv4_max_skew{300};

  PasswordPolicy password_policy;
  Argon2Params argon2;
  size_t hash_threads = 2;

  size_t max_failed_per_user = 5;
  size_t max_failed_per_ip = 50;
  std::chrono::seconds failed_window{900};
  bool trust_forwarded_for = false;

  std::string code_key;  // IDENTITY_CODE_KEY; empty = random per process (dev)
  std::chrono::seconds sign_up_code_ttl{24 * 3600};
  std::chrono::seconds reset_code_ttl{3600};
  int64_t code_max_attempts = 5;
  std::chrono::seconds challenge_ttl{180};

  // Lambda-trigger role (triggers/triggers.hpp): IDENTITY_TRIGGER_*.
  triggers::TriggerOptions triggers;

  std::string issuer_for(std::string_view pool_id) const;
};

Config read_config(config::Reader& reader);

// Splits "a,b,,c" into {"a","b","c"}.
std::vector<std::string> split_list(std::string_view text);

}  // namespace dts::identity
