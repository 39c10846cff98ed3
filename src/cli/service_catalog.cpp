#include "cli/service_catalog.hpp"

namespace dts::cli {

const std::vector<ServiceDef>& all_services() {
  static const std::vector<ServiceDef> services = {
      // The policy decision point (OPA role). No database: policies come from files.
      {"policy", {"policy", "serve"}, 8181, false, "/readyz"},
      // The identity provider (Cognito role): user pools, Cognito JSON API, tokens.
      {"identity", {"identity"}, 9001, true, "/readyz"},
      // The public entry (ALB + PEP role); last, so its targets are up when it starts.
      {"gateway", {"gateway"}, 8080, false, "/readyz"},
      // The kit's reference service: exercises HTTP, PostgreSQL and migrations end to end.
      // Off by default (DTS_SERVICES=selftest,... turns it on); tests and benchmarks use it.
  };
  return services;
}

namespace {

const ServiceDef kSelftest{"selftest", {"selftest"}, 9099, true, "/readyz"};

}  // namespace

std::vector<ServiceDef> select_services(const std::string& only, std::string& unknown) {
  if (only.empty()) return all_services();
  std::vector<ServiceDef> out;
  size_t start = 0;
  while (start <= only.size()) {
    size_t comma = only.find(',', start);
    std::string name = only.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? only.size() + 1 : comma + 1;
    if (name.empty()) continue;
    bool found = false;
    for (const auto& s : all_services()) {
      if (s.name == name) {
        out.push_back(s);
        found = true;
      }
    }
    if (!found && name == kSelftest.name) {
      out.push_back(kSelftest);
      found = true;
    }
    if (!found) unknown += (unknown.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace dts::cli
