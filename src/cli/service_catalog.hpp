#pragma once
// The services `dts up` runs, the way an ECS cluster lists its task definitions. Each
// later service adds one entry in service_catalog.cpp; nothing else in the supervisor
// changes.

#include <cstdint>
#include <string>
#include <vector>

namespace dts::cli {

struct ServiceDef {
  std::string name;               // "policy"; also the database schema and role suffix
  std::vector<std::string> args;  // argv after the binary, e.g. {"policy", "serve"}
  uint16_t port = 0;              // default local port (design.md §5)
  bool uses_database = false;     // gets its own role + schema + DATABASE_URL, migrations
  std::string health_path = "/readyz";
};

// Every service built so far, in start order.
const std::vector<ServiceDef>& all_services();

// Services for this run: all, or the comma-separated names in `only` (DTS_SERVICES).
// Unknown names are reported in `unknown`.
std::vector<ServiceDef> select_services(const std::string& only, std::string& unknown);

}  // namespace dts::cli
