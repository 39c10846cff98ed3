#include "policy/pdp/decision_log.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <ctime>

#include "common/log.hpp"

namespace dts::policy::pdp {
namespace {

constexpr const char* kRedacted = "**REDACTED**";

// Rego values may hold numbers beyond double precision; the log is for humans and
// auditors, so going through boost::json (doubles for huge numbers) is acceptable here.
boost::json::value to_json_value(const rego::Value& v) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(v.to_json(), ec);
  if (ec) {
    return boost::json::value(v.to_json());
  }
  return parsed;
}

std::string unescape(std::string seg) {
  std::string out;
  for (size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == '~' && i + 1 < seg.size() && (seg[i + 1] == '0' || seg[i + 1] == '1')) {
      out += seg[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += seg[i];
    }
  }
  return out;
}

// Replaces the value at `pointer` with the redaction marker; absent paths are left alone
// (a mask names what to hide if present, it does not add fields).
void redact(boost::json::value& root, const std::string& pointer) {
  if (pointer.empty() || pointer[0] != '/') {
    return;
  }
  boost::json::value* node = &root;
  size_t start = 1;
  for (;;) {
    size_t end = pointer.find('/', start);
    std::string seg = unescape(pointer.substr(start, end - start));
    boost::json::value* next = nullptr;
    if (auto* obj = node->if_object()) {
      next = obj->if_contains(seg);
    } else if (auto* arr = node->if_array()) {
      char* stop = nullptr;
      unsigned long i = std::strtoul(seg.c_str(), &stop, 10);
      if (!seg.empty() && *stop == '\0' && i < arr->size()) {
        next = &(*arr)[i];
      }
    }
    if (next == nullptr) {
      return;
    }
    if (end == std::string::npos) {
      *next = kRedacted;
      return;
    }
    node = next;
    start = end + 1;
  }
}

std::string rfc3339_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(ms.count()));
  return out;
}

}  // namespace

std::vector<std::string> parse_mask_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string item = text.substr(start, end - start);
    auto first = item.find_first_not_of(' ');
    auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) {
      out.push_back(item.substr(first, last - first + 1));
    }
    start = end + 1;
  }
  return out;
}

DecisionLogger::DecisionLogger(DecisionLogOptions options) : options_(std::move(options)) {}

boost::json::object DecisionLogger::event(const Decision& d) const {
  boost::json::value ev = boost::json::object{};
  auto& obj = ev.as_object();
  obj["decision_id"] = d.decision_id;
  obj["path"] = d.path;
  if (options_.include_input && d.input != nullptr && d.input->has_value()) {
    obj["input"] = to_json_value(**d.input);
  }
  if (d.result != nullptr && d.result->has_value()) {
    obj["result"] = to_json_value(**d.result);
  }
  obj["timestamp"] = rfc3339_now();
  obj["duration_ms"] = d.duration_ms;
  obj["request_id"] = d.request_id;
  for (const auto& pointer : options_.mask) {
    redact(ev, pointer);
  }
  return std::move(ev.as_object());
}

void DecisionLogger::log(const Decision& d) const {
  if (!options_.enabled) {
    return;
  }
  log::info("decision", event(d));
}

}  // namespace dts::policy::pdp
