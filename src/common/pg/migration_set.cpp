#include "common/pg/migration_set.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "common/pg/admin.hpp"

namespace dts::pg {
namespace {

namespace fs = std::filesystem;

// "0007_add_index.sql" -> 7; nullopt if the name does not follow NNNN_name.sql.
std::optional<int> version_of(std::string_view name) {
  if (!name.ends_with(".sql")) {
    return std::nullopt;
  }
  std::size_t underscore = name.find('_');
  if (underscore == 0 || underscore == std::string_view::npos ||
      underscore + 1 >= name.size() - 4) {
    return std::nullopt;
  }
  int version = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + underscore, version);
  if (ec != std::errc() || end != name.data() + underscore || version <= 0) {
    return std::nullopt;
  }
  return version;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Result<std::vector<MigrationFile>> load_migrations(const fs::path& root,
                                                   const std::string& service) {
  if (!valid_service_name(service)) {
    return invalid_argument("invalid service name '" + service + "': use [a-z][a-z0-9_]*");
  }
  fs::path dir = root / service;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return not_found("no migrations directory " + dir.string());
  }
  std::vector<MigrationFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") {
      continue;
    }
    std::optional<int> version = version_of(name);
    if (!version) {
      return invalid_argument("migration file " + entry.path().string() +
                              " does not follow the NNNN_name.sql pattern");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      return internal_error("cannot read migration file " + entry.path().string());
    }
    std::string sql = text.str();
    std::string checksum = sha256_hex(sql);
    files.push_back({*version, name, entry.path(), std::move(sql), std::move(checksum)});
  }
  if (ec) {
    return internal_error("cannot list " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i > 0 && files[i].version == files[i - 1].version) {
      return invalid_argument("duplicate migration version " + std::to_string(files[i].version) +
                              " in " + dir.string() + ": " + files[i - 1].file_name + " and " +
                              files[i].file_name);
    }
    if (files[i].version != static_cast<int>(i) + 1) {
      return invalid_argument("gap in migration numbering in " + dir.string() + ": expected " +
                              std::to_string(i + 1) + " but found " + files[i].file_name);
    }
  }
  return files;
}

}  // namespace dts::pg
