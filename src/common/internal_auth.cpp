#include "common/internal_auth.hpp"

#include <openssl/crypto.h>

#include <charconv>

namespace dts::internal_auth {
namespace {

constexpr std::string_view kContext = "dts-internal-v1";

bool header_safe(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return false;
    }
  }
  return true;
}

bool all_safe(const SignedFields& f) {
  return header_safe(f.method) && header_safe(f.path) && header_safe(f.principal) &&
         header_safe(f.tenant) && header_safe(f.groups) && header_safe(f.request_id);
}

std::string to_hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

struct ParsedHeader {
  int64_t t = 0;
  std::string_view v1;
};

// "t=<digits>,v1=<64 hex>" exactly; anything else is malformed.
bool parse_header(std::string_view h, ParsedHeader& out) {
  if (h.size() > 128 || h.substr(0, 2) != "t=") {
    return false;
  }
  auto comma = h.find(',');
  if (comma == std::string_view::npos) {
    return false;
  }
  std::string_view digits = h.substr(2, comma - 2);
  if (digits.empty() || digits.size() > 12) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.t);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return false;
  }
  std::string_view rest = h.substr(comma + 1);
  if (rest.substr(0, 3) != "v1=") {
    return false;
  }
  out.v1 = rest.substr(3);
  return out.v1.size() == 64;
}

}  // namespace

Result<InternalSigner> InternalSigner::create(std::string key) {
  if (key.size() < kMinKeyBytes) {
    return invalid_argument("internal signing key must be at least " +
                            std::to_string(kMinKeyBytes) + " bytes");
  }
  InternalSigner signer(key);
  OPENSSL_cleanse(key.data(), key.size());
  return signer;
}

std::string InternalSigner::mac_hex(const SignedFields& f, int64_t unix_seconds) const {
  std::string canonical;
  canonical.reserve(64 + f.method.size() + f.path.size() + f.principal.size() + f.tenant.size() +
                    f.groups.size() + f.request_id.size());
  for (std::string_view part :
       {kContext, f.method, f.path, f.principal, f.tenant, f.groups, f.request_id}) {
    canonical.append(part);
    canonical.push_back('\n');
  }
  canonical.append(std::to_string(unix_seconds));
  digest::Sha256 mac = mac_.compute(canonical);
  std::string hex = to_hex(mac.data(), mac.size());
  OPENSSL_cleanse(mac.data(), mac.size());
  return hex;
}

Result<std::string> InternalSigner::sign(const SignedFields& fields, SystemTime now) const {
  if (!all_safe(fields)) {
    return invalid_argument("signed field contains CR, LF or NUL");
  }
  int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return "t=" + std::to_string(t) + ",v1=" + mac_hex(fields, t);
}

Status InternalSigner::verify(const SignedFields& fields, std::string_view header, SystemTime now,
                              std::chrono::seconds max_age) const {
  ParsedHeader parsed;
  if (header.empty()) {
    return unauthenticated("internal signature missing");
  }
  if (!parse_header(header, parsed)) {
    return unauthenticated("internal signature malformed");
  }
  if (!all_safe(fields)) {
    return unauthenticated("internal signature: field contains CR, LF or NUL");
  }
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t age = now_s - parsed.t;
  if (age > max_age.count() || -age > max_age.count()) {
    return unauthenticated("internal signature outside the accepted time window");
  }
  std::string expected = mac_hex(fields, parsed.t);
  // Both are 64 characters here; CRYPTO_memcmp takes time independent of the contents.
  bool equal = CRYPTO_memcmp(expected.data(), parsed.v1.data(), expected.size()) == 0;
  OPENSSL_cleanse(expected.data(), expected.size());
  if (!equal) {
    return unauthenticated("internal signature does not match");
  }
  return ok_status();
}

Status InternalSigner::verify_request(const http::Request& request, SystemTime now,
                                      std::chrono::seconds max_age) const {
  SignedFields f;
  f.method = request.method;
  f.path = request.path;
  f.principal = request.header(kPrincipalHeader);
  f.tenant = request.header(kTenantHeader);
  f.groups = request.header(kGroupsHeader);
  f.request_id = request.header(kRequestIdHeader);
  return verify(f, request.header(kSignatureHeader), now, max_age);
}

std::string encode_groups(const std::vector<std::string>& groups) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out.push_back(',');
    for (unsigned char c : groups[i]) {
      if (c <= 0x20 || c >= 0x7f || c == ',' || c == '%') {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out;
}

std::optional<std::vector<std::string>> decode_groups(std::string_view header) {
  std::vector<std::string> out;
  if (header.empty()) {
    return out;
  }
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    if (comma == std::string_view::npos) comma = header.size();
    auto decoded = http::percent_decode(header.substr(start, comma - start));
    if (!decoded || decoded->empty()) {
      return std::nullopt;
    }
    out.push_back(std::move(*decoded));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> Caller::tenant_roles() const {
  std::vector<std::string> roles;
  if (tenant.empty()) {
    return roles;
  }
  std::string prefix = "tenant:" + tenant + ":";
  for (const auto& g : groups) {
    if (g.size() > prefix.size() && g.compare(0, prefix.size(), prefix) == 0 &&
        g.find(':', prefix.size()) == std::string::npos) {
      roles.push_back(g.substr(prefix.size()));
    }
  }
  return roles;
}

Result<Caller> InternalSigner::authenticate(const http::Request& request, SystemTime now,
                                            std::chrono::seconds max_age) const {
  if (Status st = verify_request(request, now, max_age); !st.ok()) {
    return st.error();
  }
  auto groups = decode_groups(request.header(kGroupsHeader));
  if (!groups) {
    return unauthenticated("X-Dts-Groups is malformed");
  }
  Caller caller;
  caller.principal = std::string(request.header(kPrincipalHeader));
  caller.tenant = std::string(request.header(kTenantHeader));
  caller.groups = std::move(*groups);
  caller.request_id = std::string(request.header(kRequestIdHeader));
  return caller;
}

Result<InternalSigner> signer_from_env(config::Reader& reader) {
  std::string key = reader.string("DTS_INTERNAL_KEY", "");
  if (key.empty()) {
    return not_found("DTS_INTERNAL_KEY is not set");
  }
  auto signer = InternalSigner::create(std::move(key));
  if (!signer.ok()) {
    reader.add_error("DTS_INTERNAL_KEY: " + signer.error().message());
  }
  return signer;
}

}  // namespace dts::internal_auth
