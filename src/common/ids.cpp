#include "common/ids.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <cstdio>
#include <cstdlib>

namespace dts::ids {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr size_t kTraceIdHex = 32;
constexpr size_t kParentIdHex = 16;
// "00-" + 32 + "-" + 16 + "-" + 2
constexpr size_t kTraceparentLength = 55;

void fill_random(unsigned char* out, size_t n) {
  // RAND_bytes takes an int; callers ask for small sizes, but never truncate silently.
  while (n > 0) {
    const int chunk = static_cast<int>(n > 1 << 20 ? 1 << 20 : n);
    if (RAND_bytes(out, chunk) != 1) {
      std::fputs("dts::ids: RAND_bytes failed; refusing to produce predictable ids\n", stderr);
      std::abort();
    }
    out += chunk;
    n -= static_cast<size_t>(chunk);
  }
}

// Request, trace and span ids take 40 random bytes per request; one RAND_bytes call each
// (a locked DRBG with a fork check) cost ~5% of a proxied request. Ids come from a
// per-thread pool refilled from RAND_bytes instead. The bytes are as random, only fetched in
// bulk; a forked child must not replay its parent's pool, hence the fork generation.
// Secrets (random_hex, uuids) still take fresh bytes straight from RAND_bytes.
std::atomic<unsigned> fork_generation{0};

void fill_id_random(unsigned char* out, size_t n) {
  static const int registered = pthread_atfork(nullptr, nullptr, [] { ++fork_generation; });
  (void)registered;
  struct Pool {
    std::array<unsigned char, 1024> bytes;
    size_t used = sizeof(bytes);
    unsigned generation = 0;
  };
  thread_local Pool pool;
  const unsigned generation = fork_generation.load(std::memory_order_relaxed);
  while (n > 0) {
    if (pool.used == pool.bytes.size() || pool.generation != generation) {
      fill_random(pool.bytes.data(), pool.bytes.size());
      pool.used = 0;
      pool.generation = generation;
    }
    const size_t take = std::min(n, pool.bytes.size() - pool.used);
    std::memcpy(out, pool.bytes.data() + pool.used, take);
    OPENSSL_cleanse(pool.bytes.data() + pool.used, take);  // handed out once only
    pool.used += take;
    out += take;
    n -= take;
  }
}

void append_hex(std::string& out, const unsigned char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHexDigits[data[i] >> 4]);
    out.push_back(kHexDigits[data[i] & 0x0f]);
  }
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_any_hex(char c) { return is_lower_hex(c) || (c >= 'A' && c <= 'F'); }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

bool all_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!is_lower_hex(c)) {
      return false;
    }
  }
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Random lowercase hex id of `bytes` bytes that is not all zero (the spec forbids zero ids;
// the odds are negligible, but a loop makes it certain).
std::string nonzero_hex(size_t bytes) {
  std::array<unsigned char, 16> buf;  // ids are at most 16 bytes
  for (;;) {
    fill_id_random(buf.data(), bytes);
    std::string id;
    id.reserve(bytes * 2);
    append_hex(id, buf.data(), bytes);
    if (!all_zero(id)) {
      return id;
    }
  }
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string random_hex(size_t bytes) {
  std::string out;
  out.reserve(bytes * 2);
  std::array<unsigned char, 64> buf;
  while (bytes > 0) {
    const size_t n = bytes < buf.size() ? bytes : buf.size();
    fill_random(buf.data(), n);
    append_hex(out, buf.data(), n);
    bytes -= n;
  }
  return out;
}

std::string new_request_id() {
  std::array<unsigned char, 16> b;
  fill_id_random(b.data(), b.size());
  std::string out;
  out.reserve(32);
  append_hex(out, b.data(), b.size());
  return out;
}

bool is_valid_request_id(std::string_view s) {
  if (s.size() < 8 || s.size() > 128) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::optional<TraceContext> parse_traceparent(std::string_view header) {
  const std::string_view h = trim_ows(header);
  if (h.size() < kTraceparentLength) {
    return std::nullopt;
  }
  const std::string_view version = h.substr(0, 2);
  if (!all_lower_hex(version) || version == "ff") {
    return std::nullopt;
  }
  if (version == "00") {
    if (h.size() != kTraceparentLength) {
      return std::nullopt;
    }
  } else if (h.size() > kTraceparentLength && h[kTraceparentLength] != '-') {
    // A future version may append fields, but only after another delimiter.
    return std::nullopt;
  }
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') {
    return std::nullopt;
  }
  const std::string_view trace_id = h.substr(3, kTraceIdHex);
  const std::string_view parent_id = h.substr(36, kParentIdHex);
  const std::string_view flags = h.substr(53, 2);
  if (!all_lower_hex(trace_id) || !all_lower_hex(parent_id) || !all_lower_hex(flags)) {
    return std::nullopt;
  }
  if (all_zero(trace_id) || all_zero(parent_id)) {
    return std::nullopt;
  }
  TraceContext ctx;
  ctx.trace_id = std::string(trace_id);
  ctx.parent_id = std::string(parent_id);
  ctx.flags = static_cast<uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]));
  return ctx;
}

TraceContext new_trace() {
  TraceContext ctx;
  ctx.trace_id = nonzero_hex(kTraceIdHex / 2);
  ctx.parent_id = nonzero_hex(kParentIdHex / 2);
  ctx.flags = 0x01;
  return ctx;
}

TraceContext child_of(const TraceContext& parent) {
  TraceContext ctx;
  ctx.trace_id = parent.trace_id;
  ctx.parent_id = nonzero_hex(kParentIdHex / 2);
  ctx.flags = parent.flags;
  return ctx;
}

std::string format_traceparent(const TraceContext& context) {
  std::string out;
  out.reserve(kTraceparentLength);
  out += "00-";
  out += context.trace_id;
  out += '-';
  out += context.parent_id;
  out += '-';
  const unsigned char flags = context.flags;
  append_hex(out, &flags, 1);
  return out;
}

std::string new_uuid_v4() {
  std::array<unsigned char, 16> b;
  fill_random(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx
  std::string out;
  out.reserve(36);
  append_hex(out, b.data(), 4);
  out += '-';
  append_hex(out, b.data() + 4, 2);
  out += '-';
  append_hex(out, b.data() + 6, 2);
  out += '-';
  append_hex(out, b.data() + 8, 2);
  out += '-';
  append_hex(out, b.data() + 10, 6);
  return out;
}

bool is_valid_uuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here ? s[i] != '-' : !is_any_hex(s[i])) {
      return false;
    }
  }
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dts::ids
