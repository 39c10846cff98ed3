#include "policy/loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dts::policy {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_data_file(const fs::path& p) {
  auto name = p.filename().string();
  return name == "data.json" || name == "data.yaml" || name == "data.yml";
}

rego::Value nest(const rego::Value& v, const fs::path& rel) {
  rego::Value out = v;
  std::vector<std::string> parts;
  for (const auto& part : rel) {
    if (!part.empty() && part != ".") parts.push_back(part.string());
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    rego::Object obj;
    obj.emplace(rego::Value::string(*it), out);
    out = rego::Value::object(std::move(obj));
  }
  return out;
}

void load_data(const fs::path& file, const fs::path& rel_dir, rego::Engine& engine,
               LoadResult& result) {
  auto v = read_value_file(file);
  if (!v.ok()) {
    result.data_errors.push_back(file.string() + ": " + v.error().message());
    return;
  }
  auto st = engine.add_data(nest(*v, rel_dir));
  if (!st.ok()) result.data_errors.push_back(file.string() + ": " + st.error().message());
}

void load_module(const fs::path& file, rego::Engine& engine, LoadResult& result) {
  auto text = read_file(file);
  if (!text.ok()) {
    result.data_errors.push_back(text.error().message());
    return;
  }
  auto errors = engine.add_module(file.string(), *text);
  result.module_files.push_back(file.string());
  result.errors.insert(result.errors.end(), errors.begin(), errors.end());
}

}  // namespace

Result<rego::Value> read_value_file(const fs::path& path) {
  DTS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  auto ext = path.extension().string();
  if (ext == ".yaml" || ext == ".yml") return rego::Value::from_yaml(text);
  return rego::Value::from_json(text);
}

LoadResult load_paths(const std::vector<fs::path>& paths, rego::Engine& engine) {
  LoadResult result;
  for (const auto& root : paths) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      if (root.extension() == ".rego") {
        load_module(root, engine, result);
      } else if (fs::exists(root, ec)) {
        load_data(root, {}, engine, result);
      } else {
        result.data_errors.push_back(root.string() + ": not found");
      }
      continue;
    }
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->path().filename().string().rfind('.', 0) == 0) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (f.extension() == ".rego") {
        load_module(f, engine, result);
      } else if (is_data_file(f)) {
        load_data(f, fs::relative(f.parent_path(), root, ec), engine, result);
      }
    }
  }
  return result;
}

}  // namespace dts::policy
