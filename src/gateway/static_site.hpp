#pragma once
// The web app's static files (GATEWAY_WEB_ROOT, web/dist): GET and HEAD only.
//
//   - a path without a file behind it and without a file extension (a client-side route
//     like /datasets/42) gets index.html: the SPA fallback; a missing asset is a 404;
//   - strong ETags (size + mtime) with If-None-Match -> 304;
//   - Cache-Control: hashed build assets ("index-3f9a2b7c.js") are immutable for a year,
//     everything else (index.html first) is revalidated on every use;
//   - gzip when the client accepts it: a precompressed "file.gz" next to the file when
//     present, otherwise compressed once with zlib and kept in a bounded memory cache;
//   - nothing outside the root is reachable: the path is normalized before it gets here,
//     and the resolved file (symlinks followed) must still be inside the root.
//
// Thread-safety: serve() may run on any thread (the gzip cache has its own mutex).

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "common/http/message.hpp"

namespace dts::gateway {

class StaticSite {
 public:
  explicit StaticSite(std::filesystem::path root);

  // `path` is the normalized request path.
  http::Response serve(const http::Request& request, const std::string& path);

  const std::filesystem::path& root() const { return root_; }

 private:
  struct Cached {
    std::filesystem::file_time_type mtime;
    uint64_t size = 0;
    std::string gz;
  };
  std::optional<std::string> compressed(const std::filesystem::path& file,
                                        std::filesystem::file_time_type mtime, uint64_t size,
                                        const std::string& content);

  std::filesystem::path root_;
  std::mutex mu_;
  std::map<std::string, Cached> gzip_cache_;
  size_t gzip_cache_bytes_ = 0;
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view filename);
// True for build outputs whose name carries a content hash (safe to cache forever).
bool is_hashed_asset(std::string_view filename);

}  // namespace dts::gateway
