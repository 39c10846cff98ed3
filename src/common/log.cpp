#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace dts::log {
namespace {

std::string g_service = "dts";
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_fd{1};

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug") { out = Level::kDebug; return true; }
  if (text == "info") { out = Level::kInfo; return true; }
  if (text == "warn" || text == "warning") { out = Level::kWarn; return true; }
  if (text == "error") { out = Level::kError; return true; }
  return false;
}

void configure(std::string service, Level min_level) {
  g_service = std::move(service);
  g_min_level = static_cast<int>(min_level);
}

bool enabled(Level level) { return static_cast<int>(level) >= g_min_level.load(); }

void set_fd(int fd) { g_fd = fd; }

void write(Level level, std::string_view msg, const boost::json::object& fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line.reserve(4 + fields.size());
  line["ts"] = iso_now();
  line["level"] = level_name(level);
  line["service"] = g_service;
  line["msg"] = msg;
  for (const auto& kv : fields) {
    // Reserved keys keep their meaning; a field cannot overwrite them.
    if (kv.key() == "ts" || kv.key() == "level" || kv.key() == "service" || kv.key() == "msg") {
      continue;
    }
    line[kv.key()] = kv.value();
  }
  std::string out = boost::json::serialize(line);
  out.push_back('\n');
  const char* p = out.data();
  size_t left = out.size();
  int fd = g_fd.load();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;  // stdout closed: logging must never take the process down
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace dts::log
