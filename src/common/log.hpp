#pragma once
// Structured JSON logs, one object per line on stdout (CloudWatch role):
//   {"ts":"2026-11-26T00:00:00.123Z","level":"info","service":"core","msg":"...",
//    "request_id":"...","trace_id":"...", ...fields}
//
// The sink is process-wide (a process runs exactly one service); it is configured once at
// start-up by `log::configure` and is thread-safe (one write(2) per line, so lines from
// several threads never interleave). Secrets must never be passed as fields.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace dts::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug" | "info" | "warn" | "error"; returns false on anything else.
bool parse_level(std::string_view text, Level& out);

// Sets the service name stamped on every line and the minimum level. Call before threads.
void configure(std::string service, Level min_level);

bool enabled(Level level);

// Writes one line. `fields` are merged into the top-level object (request_id and
// trace_id go there too, so every line is searchable by them).
void write(Level level, std::string_view msg, const boost::json::object& fields = {});

inline void debug(std::string_view m, const boost::json::object& f = {}) { write(Level::kDebug, m, f); }
inline void info(std::string_view m, const boost::json::object& f = {}) { write(Level::kInfo, m, f); }
inline void warn(std::string_view m, const boost::json::object& f = {}) { write(Level::kWarn, m, f); }
inline void error(std::string_view m, const boost::json::object& f = {}) { write(Level::kError, m, f); }

// Redirects output to a file descriptor (tests capture logs through a pipe).
void set_fd(int fd);

}  // namespace dts::log
