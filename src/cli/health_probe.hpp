#pragma once
// A blocking, bounded HTTP GET used by the supervisor's health checks (ECS/ALB health
// check role). Returns the status code, or 0 when nothing answered within `timeout`.

#include <chrono>
#include <cstdint>
#include <string>

namespace dts::cli {

int probe_http(uint16_t port, const std::string& path, std::chrono::milliseconds timeout);

}  // namespace dts::cli
