#pragma once
// The migration files of one service, loaded and checked before touching the database.
//
// Layout: <root>/<service>/NNNN_name.sql, numbered 1, 2, 3... with no gaps and no duplicates
// (the number of digits is free; 4 is the convention). Other files (README.md) are ignored;
// a .sql file that does not follow the pattern is an error rather than silently skipped.
// Each file's checksum is the hex SHA-256 of its bytes.

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dts::pg {

struct MigrationFile {
  int version = 0;
  std::string file_name;  // "0001_init.sql"
  std::filesystem::path path;
  std::string sql;
  std::string checksum;  // hex SHA-256 of the file
};

// Files of `service` sorted by version. Errors (all kInvalidArgument unless noted) name the
// offending file: bad name, duplicate version, gap, unreadable (kInternal); a missing
// directory is kNotFound.
Result<std::vector<MigrationFile>> load_migrations(const std::filesystem::path& root,
                                                   const std::string& service);

// Hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace dts::pg
