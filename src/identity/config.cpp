#include "identity/config.hpp"

#include "common/http/tls.hpp"
#include "identity/triggers/signature.hpp"

namespace dts::identity {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Config::issuer_for(std::string_view pool_id) const {
  if (pool_id == default_pool_id && !default_pool_issuer.empty()) return default_pool_issuer;
  return issuer_base + "/" + std::string(pool_id);
}

Config read_config(config::Reader& r) {
  Config c;
  c.runtime = read_runtime_config(r, kServiceName, kDefaultPort);
  c.database_url = r.required("DATABASE_URL");
  c.migrations_root = std::filesystem::path(r.string("DTS_ROOT", ".")) / "migrations";
  c.pool_size = static_cast<size_t>(r.integer("DB_POOL_SIZE", 10, 1, 200));
  c.migrate_on_start = r.boolean("IDENTITY_MIGRATE", false);

  c.default_pool_id = r.string("IDENTITY_DEFAULT_POOL_ID", c.default_pool_id);
  c.default_pool_name = r.string("IDENTITY_DEFAULT_POOL_NAME", c.default_pool_name);
  c.spa_client_id = r.string("IDENTITY_SPA_CLIENT_ID", c.spa_client_id);
  c.spa_client_name = r.string("IDENTITY_SPA_CLIENT_NAME", c.spa_client_name);
  c.spa_callback_urls = split_list(r.string(
      "IDENTITY_SPA_CALLBACK_URLS",
      "http://127.0.0.1:8080/auth/callback,http://localhost:8080/auth/callback"));
  c.spa_logout_urls =
      split_list(r.string("IDENTITY_SPA_LOGOUT_URLS", "http://127.0.0.1:8080/,http://localhost:8080/"));
  c.default_groups =
      split_list(r.string("IDENTITY_DEFAULT_GROUPS", "admin:0,billing:1,member:2,viewer:3"));
  for (const auto& id : {c.default_pool_id, c.spa_client_id}) {
    bool ok = !id.empty() && id.size() <= 55;
    for (char ch : id) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-');
    if (!ok) r.add_error("IDENTITY_DEFAULT_POOL_ID/IDENTITY_SPA_CLIENT_ID: 1-55 of [A-Za-z0-9_-], got \"" + id + "\"");
  }
  for (const auto& url : c.spa_callback_urls) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      r.add_error("IDENTITY_SPA_CALLBACK_URLS: every entry must be an http(s) URL, got \"" + url + "\"");
    }
  }

  std::string port = std::to_string(c.runtime.http.port == 0 ? kDefaultPort : c.runtime.http.port);
  c.issuer_base = r.url("IDENTITY_ISSUER_BASE", "http://127.0.0.1:" + port);
  while (!c.issuer_base.empty() && c.issuer_base.back() == '/') c.issuer_base.pop_back();
  c.default_pool_issuer = r.url("IDENTITY_ISSUER", "");
  c.public_url = r.url("IDENTITY_PUBLIC_URL", c.issuer_base);
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

  auto period = [&r](const char* name, std::chrono::seconds fallback, std::chrono::seconds min,
                      std::chrono::seconds max) {
    auto v = std::chrono::duration_cast<std::chrono::seconds>(r.duration(name, fallback));
    if (v < min || v > max) {
      r.add_error(std::string(name) + ": must be between " + std::to_string(min.count()) +
                  "s and " + std::to_string(max.count()) + "s");
    }
    return v;
  };
  using std::chrono::hours;
  using std::chrono::minutes;
  c.key_encryption_key = r.string("IDENTITY_KEY_ENCRYPTION_KEY", "");
  if (c.key_encryption_key.empty()) {
    std::string home = r.string("DTS_HOME", "");
    if (home.empty()) {
      r.add_error(
          "IDENTITY_KEY_ENCRYPTION_KEY is required (base64 of 32 random bytes, e.g. `openssl rand "
          "-base64 32`); under `dts up` it is generated into DTS_HOME");
    } else {
      c.key_encryption_key_file = std::filesystem::path(home) / "identity" / "key-encryption-key";
    }
  }
  c.key_rotate_after = period("IDENTITY_KEY_ROTATE_AFTER", hours(24 * 30), hours(1), hours(24 * 3650));
  c.key_overlap = period("IDENTITY_KEY_OVERLAP", hours(48), hours(1), hours(24 * 365));
  c.key_check_interval = period("IDENTITY_KEY_CHECK_INTERVAL", minutes(1), std::chrono::seconds(1), hours(24));
  c.auth_code_ttl = period("IDENTITY_AUTH_CODE_TTL", minutes(5), std::chrono::seconds(1), minutes(10));
  c.csrf_max_age = period("IDENTITY_CSRF_MAX_AGE", hours(1), minutes(1), hours(24));
  c.jwks_max_age = period("IDENTITY_JWKS_MAX_AGE", minutes(5), std::chrono::seconds(0), hours(24));

  c.admin.access_key_id = r.string("IDENTITY_ADMIN_ACCESS_KEY_ID", "");
  c.admin.secret_access_key = r.string("IDENTITY_ADMIN_SECRET_ACCESS_KEY", "");
  if (c.admin.access_key_id.empty() != c.admin.secret_access_key.empty()) {
    r.add_error("IDENTITY_ADMIN_ACCESS_KEY_ID and IDENTITY_ADMIN_SECRET_ACCESS_KEY must be set together");
  }
  c.sigv4_max_skew = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("IDENTITY_SIGV4_MAX_SKEW", std::chrono::minutes(5)));

  auto& p = c.password_policy;
  p.min_length = static_cast<size_t>(r.integer("IDENTITY_PASSWORD_MIN_LENGTH", 8, 6, 99));
  p.require_lowercase = r.boolean("IDENTITY_PASSWORD_REQUIRE_LOWERCASE", true);
  p.require_uppercase = r.boolean("IDENTITY_PASSWORD_REQUIRE_UPPERCASE", true);
  p.require_numbers = r.boolean("IDENTITY_PASSWORD_REQUIRE_NUMBERS", true);
  p.require_symbols = r.boolean("IDENTITY_PASSWORD_REQUIRE_SYMBOLS", true);
  p.temporary_password_validity_days = r.integer("IDENTITY_TEMPORARY_PASSWORD_DAYS", 7, 1, 365);

  c.argon2.ops = static_cast<uint64_t>(r.integer("IDENTITY_ARGON2_OPS", 2, 1, 64));
  c.argon2.memory_bytes = r.bytes("IDENTITY_ARGON2_MEMORY", 64ull << 20);
  if (auto s = check_argon2_params(c.argon2); !s.ok()) {
    r.add_error("IDENTITY_ARGON2_MEMORY: " + s.error().message());
  }
  c.hash_threads = static_cast<size_t>(r.integer("IDENTITY_HASH_THREADS", 2, 1, 64));

  c.max_failed_per_user = static_cast<size_t>(r.integer("IDENTITY_MAX_FAILED_PER_USER", 5, 1, 1000));
  c.max_failed_per_ip = static_cast<size_t>(r.integer("IDENTITY_MAX_FAILED_PER_IP", 50, 1, 100000));
  c.failed_window = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("IDENTITY_FAILED_WINDOW", std::chrono::minutes(15)));
  c.trust_forwarded_for = r.boolean("IDENTITY_TRUST_FORWARDED_FOR", false);

  c.code_key = r.string("IDENTITY_CODE_KEY", "");
  c.sign_up_code_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("IDENTITY_SIGN_UP_CODE_TTL", std::chrono::hours(24)));
  c.reset_code_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      r.duration("IDENTITY_RESET_CODE_TTL", std::chrono::hours(1)));
  c.code_max_attempts = r.integer("IDENTITY_CODE_MAX_ATTEMPTS", 5, 1, 100);

  auto& t = c.triggers;
  t.post_confirmation_url = r.url("IDENTITY_TRIGGER_POST_CONFIRMATION_URL", "");
  t.pre_token_generation_url = r.url("IDENTITY_TRIGGER_PRE_TOKEN_GENERATION_URL", "");
  // http:// (private network; the signature authenticates the call) or https:// (TLS with
  // certificate verification, IDENTITY_TRIGGER_CA_FILE for a private CA).
  t.ca_file = r.string("IDENTITY_TRIGGER_CA_FILE", "");
  if (!t.ca_file.empty()) {
    if (auto checked = http::check_ca_file(t.ca_file); !checked.ok()) {
      r.add_error("IDENTITY_TRIGGER_CA_FILE: " + checked.error().message());
    }
  }
  t.pre_token_generation_version =
      static_cast<int>(r.integer("IDENTITY_TRIGGER_PRE_TOKEN_GENERATION_VERSION", 1, 1, 2));
  t.timeout = r.duration("IDENTITY_TRIGGER_TIMEOUT", std::chrono::seconds(5));
  if (t.timeout < std::chrono::milliseconds(100) || t.timeout > std::chrono::seconds(30)) {
    r.add_error("IDENTITY_TRIGGER_TIMEOUT: must be between 100ms and 30s");
  }
  t.max_response_bytes = r.bytes("IDENTITY_TRIGGER_MAX_RESPONSE_BYTES", 64 * 1024);
  if (t.max_response_bytes < 1024 || t.max_response_bytes > (1u << 20)) {
    r.add_error("IDENTITY_TRIGGER_MAX_RESPONSE_BYTES: must be between 1KiB and 1MiB");
  }
  t.signing_key = r.string("IDENTITY_TRIGGER_SIGNING_KEY", "");
  if (t.signing_key.empty()) t.signing_key = r.string("DTS_INTERNAL_KEY", "");
  bool any_hook = !t.post_confirmation_url.empty() || !t.pre_token_generation_url.empty();
  if (any_hook && t.signing_key.size() < triggers::kMinKeyBytes) {
    r.add_error("IDENTITY_TRIGGER_SIGNING_KEY (or DTS_INTERNAL_KEY): at least 32 bytes are "
                "required when a trigger URL is set");
  }
  return c;
}

}  // namespace dts::identity
