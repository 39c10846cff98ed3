#pragma once
// yaml-cpp node -> Value conversion (used for YAML data/input files and conformance cases).

#include <yaml-cpp/yaml.h>

#include "common/result.hpp"
#include "rego/value.hpp"

namespace dts::rego {

// Plain scalars resolve with the YAML 1.2 core schema (null, true/false, numbers); quoted
// scalars are strings. Mapping keys become Values of the same resolution.
Result<Value> value_from_yaml_node(const YAML::Node& node, int depth = 0);

}  // namespace dts::rego
