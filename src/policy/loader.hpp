#pragma once
// Loads policy bundles from disk into a Rego engine: *.rego modules and data files.
//
// A directory is walked recursively (sorted, hidden entries skipped). Data files named
// data.json / data.yaml / data.yml are merged into `data` under their directory's path
// relative to the root (OPA's bundle layout); a single .json/.yaml file given directly is
// merged at the root.

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "rego/engine.hpp"

namespace dts::policy {

struct LoadResult {
  std::vector<std::string> module_files;  // paths of the .rego files loaded
  rego::RegoErrors errors;                // parse errors (file:line:col)
  std::vector<std::string> data_errors;   // unreadable or invalid data files
  bool ok() const { return errors.empty() && data_errors.empty(); }
};

LoadResult load_paths(const std::vector<std::filesystem::path>& paths, rego::Engine& engine);

// Reads a JSON or YAML document (chosen by extension, JSON otherwise).
Result<rego::Value> read_value_file(const std::filesystem::path& path);

}  // namespace dts::policy
