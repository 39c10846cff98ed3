#include "identity/sigv4.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

#include "common/ids.hpp"
#include "identity/codes.hpp"
#include "identity/faults.hpp"
#include "jwt/base64.hpp"

namespace dts::identity {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr size_t kMaxAuthorization = 4096;

Error incomplete(std::string_view what) { return fault(kIncompleteSignature, what); }

Error mismatch() {
  return fault(kInvalidSignature,
               "The request signature we calculated does not match the signature you provided. "
               "Check your AWS Secret Access Key and signing method. Consult the service "
               "documentation for details.");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trims and collapses runs of spaces (SigV4 canonical header values).
std::string canonical_value(std::string_view v) {
  v = trim(v);
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// RFC 3986 §5.2.4 on a '/'-separated path.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  auto parts = split(path, '/');
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view seg = parts[i];
    if (seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string r;
  for (auto seg : out) {
    r.push_back('/');
    r.append(seg);
  }
  if (r.empty()) r = "/";
  // Keep a trailing slash ("/a/" stays "/a/").
  if (path.size() > 1 && path.back() == '/' && r.back() != '/') r.push_back('/');
  return r;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto part : split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    auto dk = http::percent_decode(k);
    auto dv = http::percent_decode(v);
    pairs.emplace_back(aws_uri_encode(dk ? *dk : std::string(k), true),
                       aws_uri_encode(dv ? *dv : std::string(v), true));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += k + "=" + v;
  }
  return out;
}

// 20150830T123600Z -> time point; false if malformed.
bool parse_amz_date(std::string_view s, std::chrono::system_clock::time_point& out) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return false;
  }
  out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

struct AuthorizationHeader {
  std::string access_key_id, date, region, service, terminal;
  std::string signed_headers;
  std::string signature;
};

Result<AuthorizationHeader> parse_authorization(std::string_view header) {
  if (header.size() > kMaxAuthorization) return incomplete("Authorization header is too long.");
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm ||
      header.size() == kAlgorithm.size() || header[kAlgorithm.size()] != ' ') {
    return incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm.");
  }
  AuthorizationHeader a;
  bool have_credential = false, have_signed = false, have_signature = false;
  for (auto part : split(header.substr(kAlgorithm.size() + 1), ',')) {
    part = trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return incomplete("Authorization header is malformed.");
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      auto scope = split(value, '/');
      if (scope.size() != 5) return incomplete("Credential should be scoped to a valid region.");
      a.access_key_id = std::string(scope[0]);
      a.date = std::string(scope[1]);
      a.region = std::string(scope[2]);
      a.service = std::string(scope[3]);
      a.terminal = std::string(scope[4]);
      have_credential = true;
    } else if (key == "SignedHeaders" && !have_signed) {
      a.signed_headers = std::string(value);
      have_signed = true;
    } else if (key == "Signature" && !have_signature) {
      a.signature = std::string(value);
      have_signature = true;
    } else {
      return incomplete("Authorization header is malformed.");
    }
  }
  if (!have_credential || !have_signed || !have_signature) {
    return incomplete("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'.");
  }
  return a;
}

}  // namespace

std::string aws_uri_encode(std::string_view in, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string sigv4_canonical_request(const http::Request& request, std::string_view signed_headers,
                                    std::string_view payload_hash) {
  std::string out = request.method + "\n";
  out += aws_uri_encode(remove_dot_segments(request.path.empty() ? "/" : request.path), false);
  out += "\n" + canonical_query(request.query) + "\n";
  for (auto name : split(signed_headers, ';')) {
    std::string joined;
    bool first = true;
    for (const auto& [k, v] : request.headers) {
      if (!http::iequals(k, name)) continue;
      if (!first) joined.push_back(',');
      joined += canonical_value(v);
      first = false;
    }
    out += lower(name) + ":" + joined + "\n";
  }
  out += "\n";
  out += std::string(signed_headers) + "\n";
  out += std::string(payload_hash);
  return out;
}

std::string sigv4_signature(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service, std::string_view string_to_sign) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  k = hmac_sha256(k, "aws4_request");
  return jwt::hex_encode(hmac_sha256(k, string_to_sign));
}

Result<SigV4Principal> verify_sigv4(const http::Request& request, const SigV4Credentials& credentials,
                                    const SigV4Options& options,
                                    std::chrono::system_clock::time_point now) {
  auto header = request.headers.find("Authorization");
  if (!header) return fault(kMissingAuthToken, "Missing Authentication Token");
  DTS_ASSIGN_OR_RETURN(AuthorizationHeader auth, parse_authorization(*header));
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() ||
      !ids::constant_time_equal(auth.access_key_id, credentials.access_key_id)) {
    return fault(kUnrecognizedClient, "The security token included in the request is invalid.");
  }
  if (auth.terminal != "aws4_request" || auth.service != options.service || auth.region.empty() ||
      auth.region.size() > 64) {
    return incomplete("Credential should be scoped to a valid region and service " + options.service + ".");
  }
  std::string_view amz_date = request.headers.get("X-Amz-Date");
  std::chrono::system_clock::time_point signed_at;
  if (!parse_amz_date(amz_date, signed_at)) {
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (auth.date != amz_date.substr(0, 8)) {
    return fault(kInvalidSignature, "Credential should be scoped to a valid date.");
  }
  auto skew = now > signed_at ? now - signed_at : signed_at - now;
  if (skew > options.max_skew) {
    return fault(kInvalidSignature, "Signature expired: " + std::string(amz_date) +
                                        " is outside the allowed clock skew of " +
                                        std::to_string(options.max_skew.count()) + " seconds.");
  }
  // Signed header names: lower-case, sorted, unique, and must cover host and x-amz-date.
  auto names = split(auth.signed_headers, ';');
  bool host = false, date = false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || lower(names[i]) != names[i] || (i > 0 && !(names[i - 1] < names[i]))) {
      return incomplete("SignedHeaders must be lower-case, sorted and unique.");
    }
    if (!request.headers.has(names[i])) return incomplete("A signed header is missing.");
    host |= names[i] == "host";
    date |= names[i] == "x-amz-date";
  }
  if (!host || !date) return incomplete("SignedHeaders must include host and x-amz-date.");
  std::string payload_hash = sha256_hex(request.body);
  if (auto declared = request.headers.find("X-Amz-Content-Sha256")) {
    if (!ids::constant_time_equal(lower(*declared), payload_hash)) return mismatch();
  }
  std::string canonical = sigv4_canonical_request(request, auth.signed_headers, payload_hash);
  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  std::string to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + scope +
                        "\n" + sha256_hex(canonical);
  std::string expected = sigv4_signature(credentials.secret_access_key, auth.date, auth.region,
                                         auth.service, to_sign);
  if (!ids::constant_time_equal(lower(auth.signature), expected)) return mismatch();
  return SigV4Principal{auth.access_key_id, auth.region};
}

}  // namespace dts::identity
