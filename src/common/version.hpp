#pragma once

namespace dts {
inline constexpr const char* kVersion = "0.1.0";
}
