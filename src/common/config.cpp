#include "common/config.hpp"

#include <boost/url/parse.hpp>
#include <charconv>
#include <limits>

extern char** environ;  // NOLINT: POSIX, declared by no standard header

namespace dts::config {
namespace {

constexpr std::string_view kHidden = "(value hidden)";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// The value between double quotes with control characters escaped, so a message stays
// on one line and shows stray whitespace.
std::string quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// Parses all of `s` as an unsigned decimal; false on anything else or overflow.
bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.front() == '+' || s.front() == '-') {
    return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Masks the userinfo of a URL-ish value ("https://user:pw@host" -> "https://***@host"),
// so credentials embedded in URLs stay out of logs even for non-secret variable names.
std::string mask_userinfo(std::string_view v) {
  const size_t scheme_end = v.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(v);
  }
  const size_t authority = scheme_end + 3;
  const size_t authority_end = v.find_first_of("/?#", authority);
  const std::string_view auth =
      v.substr(authority, authority_end == std::string_view::npos ? std::string_view::npos
                                                                  : authority_end - authority);
  const size_t at = auth.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(v);
  }
  return std::string(v.substr(0, authority)) + "***" + std::string(v.substr(authority + at));
}

}  // namespace

Env Env::from_process() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    vars.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return Env(std::move(vars));
}

Env::Env(std::map<std::string, std::string> vars) : vars_(vars.begin(), vars.end()) {}

std::optional<std::string> Env::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool is_secret_name(std::string_view name) {
  return ends_with(name, "_SECRET") || ends_with(name, "_PASSWORD") || ends_with(name, "_KEY") ||
         ends_with(name, "_TOKEN");
}

Reader::Reader(const Env& env) : env_(env) {}

std::optional<std::string> Reader::lookup(std::string_view name) const {
  auto v = env_.get(name);
  if (!v || v->empty()) {
    return std::nullopt;
  }
  return v;
}

void Reader::bad_value(std::string_view name, std::string_view what, std::string_view value) {
  std::string msg(name);
  msg += ": ";
  msg += what;
  msg += ", got ";
  msg += is_secret_name(name) ? std::string(kHidden) : quoted(mask_userinfo(value));
  errors_.push_back(std::move(msg));
}

void Reader::add_error(std::string message) { errors_.push_back(std::move(message)); }

std::string Reader::string(std::string_view name, std::string_view fallback) {
  auto v = lookup(name);
  return v ? *v : std::string(fallback);
}

std::string Reader::required(std::string_view name) {
  auto v = lookup(name);
  if (!v) {
    errors_.push_back(std::string(name) + " is required");
    return {};
  }
  return *v;
}

int64_t Reader::integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  auto v = lookup(name);
  if (!v) {
    return fallback;
  }
  int64_t out = 0;
  const std::string& s = *v;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || out < min || out > max) {
    bad_value(name,
              "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
              s);
    return fallback;
  }
  return out;
}

uint16_t Reader::port(std::string_view name, uint16_t fallback) {
  return static_cast<uint16_t>(integer(name, fallback, 0, 65535));
}

bool Reader::boolean(std::string_view name, bool fallback) {
  auto v = lookup(name);
  if (!v) {
    return fallback;
  }
  for (std::string_view t : {"true", "1", "yes"}) {
    if (iequals(*v, t)) {
      return true;
    }
  }
  for (std::string_view f : {"false", "0", "no"}) {
    if (iequals(*v, f)) {
      return false;
    }
  }
  bad_value(name, "must be one of true/false/1/0/yes/no", *v);
  return fallback;
}

std::chrono::milliseconds Reader::duration(std::string_view name,
                                           std::chrono::milliseconds fallback) {
  auto v = lookup(name);
  if (!v) {
    return fallback;
  }
  if (*v == "0") {
    return std::chrono::milliseconds(0);
  }
  std::string_view rest = *v;
  uint64_t total_ms = 0;
  bool ok = !rest.empty();
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  while (ok && !rest.empty()) {
    const size_t digits = rest.find_first_not_of("0123456789");
    uint64_t n = 0;
    if (digits == 0 || digits == std::string_view::npos || !parse_u64(rest.substr(0, digits), n)) {
      ok = false;  // no number, no unit, or overflow
      break;
    }
    rest.remove_prefix(digits);
    uint64_t unit = 0;
    size_t unit_len = 0;
    // "ms" must be tried before "m".
    if (rest.substr(0, 2) == "ms") {
      unit = 1, unit_len = 2;
    } else if (rest.substr(0, 1) == "s") {
      unit = 1000, unit_len = 1;
    } else if (rest.substr(0, 1) == "m") {
      unit = 60'000, unit_len = 1;
    } else if (rest.substr(0, 1) == "h") {
      unit = 3'600'000, unit_len = 1;
    } else {
      ok = false;
      break;
    }
    rest.remove_prefix(unit_len);
    if (n > kMax / unit || total_ms + n * unit > kMax) {
      ok = false;
      break;
    }
    total_ms += n * unit;
  }
  if (!ok) {
    bad_value(name, "must be a duration like 250ms, 5s, 2m, 1h or 1m30s", *v);
    return fallback;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

uint64_t Reader::bytes(std::string_view name, uint64_t fallback) {
  auto v = lookup(name);
  if (!v) {
    return fallback;
  }
  struct Unit {
    std::string_view suffix;
    uint64_t factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},
      {"B", 1},
      {"KiB", uint64_t{1} << 10},
      {"MiB", uint64_t{1} << 20},
      {"GiB", uint64_t{1} << 30},
      {"TiB", uint64_t{1} << 40},
      {"KB", 1'000},
      {"MB", 1'000'000},
      {"GB", 1'000'000'000},
      {"TB", 1'000'000'000'000},
  };
  std::string_view s = *v;
  const size_t digits = s.find_first_not_of("0123456789");
  std::string_view number = s.substr(0, digits);
  std::string_view suffix = digits == std::string_view::npos ? "" : s.substr(digits);
  if (!suffix.empty() && suffix.front() == ' ') {
    suffix.remove_prefix(1);
    if (suffix.empty()) {
      suffix = "?";  // "12 " is not a size
    }
  }
  uint64_t n = 0;
  if (parse_u64(number, n)) {
    for (const Unit& u : kUnits) {
      if (iequals(suffix, u.suffix)) {
        if (n > std::numeric_limits<uint64_t>::max() / u.factor) {
          break;
        }
        return n * u.factor;
      }
    }
  }
  bad_value(name, "must be a byte size like 1048576, 512KiB or 1MiB", *v);
  return fallback;
}

std::string Reader::one_of(std::string_view name, std::string_view fallback,
                           std::initializer_list<std::string_view> allowed) {
  auto v = lookup(name);
  if (!v) {
    return std::string(fallback);
  }
  std::string list;
  for (std::string_view a : allowed) {
    if (*v == a) {
      return *v;
    }
    if (!list.empty()) {
      list += ", ";
    }
    list += a;
  }
  bad_value(name, "must be one of " + list, *v);
  return std::string(fallback);
}

std::string Reader::url(std::string_view name, std::string_view fallback) {
  auto v = lookup(name);
  if (!v) {
    return std::string(fallback);
  }
  auto parsed = boost::urls::parse_absolute_uri(*v);
  bool ok = parsed.has_value();
  if (ok) {
    const auto scheme = parsed->scheme_id();
    ok = (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
         parsed->has_authority() && !parsed->encoded_host().empty();
  }
  if (!ok) {
    bad_value(name, "must be an http(s) URL with a host", *v);
    return std::string(fallback);
  }
  return *v;
}

Status Reader::finish() const {
  if (errors_.empty()) {
    return ok_status();
  }
  std::string msg = "config: ";
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) {
      msg += "; ";
    }
    msg += errors_[i];
  }
  return invalid_argument(std::move(msg));
}

}  // namespace dts::config
