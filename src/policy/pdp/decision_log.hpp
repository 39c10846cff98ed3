#pragma once
// Decision logs: one JSON log line per policy decision (OPA's decision log event, written
// to the service log instead of shipped to a remote service).
//
//   {"msg":"decision","decision_id":"...","path":"authz/allow","input":{...},
//    "result":true,"timestamp":"...","duration_ms":0.12,"request_id":"..."}
//
// Options (environment): DECISION_LOG=off|on, DECISION_LOG_INPUT=false|true,
// DECISION_LOG_MASK=/input/password,/input/user/ssn (JSON pointers rooted at the event;
// the value there is replaced by "**REDACTED**", as OPA's mask rules do by default).
//
// Thread-safety: immutable after construction; log() may be called from any thread.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rego/value.hpp"

namespace dts::policy::pdp {

struct DecisionLogOptions {
  bool enabled = false;
  bool include_input = false;
  std::vector<std::string> mask;  // JSON pointers, e.g. "/input/password"
};

// Splits "a,b , c" into pointers; empty items are dropped.
std::vector<std::string> parse_mask_list(const std::string& text);

struct Decision {
  std::string decision_id;
  std::string path;  // "authz/allow", "" for the whole document
  const std::optional<rego::Value>* input = nullptr;
  const std::optional<rego::Value>* result = nullptr;  // nullopt = undefined
  double duration_ms = 0;
  std::string request_id;
};

class DecisionLogger {
 public:
  explicit DecisionLogger(DecisionLogOptions options);
  bool enabled() const { return options_.enabled; }
  // The event as it is logged (masking applied); exposed for tests.
  boost::json::object event(const Decision& d) const;
  void log(const Decision& d) const;

 private:
  DecisionLogOptions options_;
};

}  // namespace dts::policy::pdp
