#pragma once
// gzip (RFC 1952) compression with zlib, for static files and large JSON answers.

#include <optional>
#include <string>
#include <string_view>

namespace dts {

// Compresses `in` into a gzip member at `level` (1 fast .. 9 small). nullopt only on a
// zlib failure (out of memory).
std::optional<std::string> gzip_compress(std::string_view in, int level = 6);

// Decompresses one gzip member; nullopt on corrupt input or output over `max_out` bytes
// (a zip bomb guard). Used by tests and by clients of compressed answers.
std::optional<std::string> gzip_decompress(std::string_view in, size_t max_out);

}  // namespace dts
