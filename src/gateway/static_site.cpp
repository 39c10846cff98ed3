#include "gateway/static_site.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <system_error>

#include "common/gzip.hpp"
#include "common/http/problem.hpp"

namespace fs = std::filesystem;

namespace dts::gateway {
namespace {

constexpr uint64_t kMaxFileBytes = 64 * 1024 * 1024;
constexpr size_t kMaxGzipCacheBytes = 32 * 1024 * 1024;
constexpr uint64_t kMinGzipBytes = 1024;

bool compressible(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/javascript") ||
         type.starts_with("application/json") || type.starts_with("image/svg") ||
         type.starts_with("application/manifest") || type.starts_with("application/wasm");
}

bool accepts_gzip(std::string_view accept_encoding) {
  // Token scan; "gzip;q=0" opts out.
  size_t pos = 0;
  while (pos < accept_encoding.size()) {
    size_t comma = accept_encoding.find(',', pos);
    std::string_view item = accept_encoding.substr(
        pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? accept_encoding.size() : comma + 1;
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    std::string_view coding = item.substr(0, item.find(';'));
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
      coding.remove_suffix(1);
    }
    if (http::iequals(coding, "gzip") || coding == "*") {
      auto q = item.find("q=");
      if (q != std::string_view::npos) {
        std::string_view v = item.substr(q + 2);
        if (v.starts_with("0") && v.find_first_not_of("0.", 0) == std::string_view::npos) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

std::optional<std::string> read_file(const fs::path& p, uint64_t size) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data;
  data.resize(size);
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) return std::nullopt;
  return data;
}

std::string etag_for(uint64_t size, fs::file_time_type mtime, bool gz) {
  char buf[80];
  auto ticks = static_cast<unsigned long long>(mtime.time_since_epoch().count());
  std::snprintf(buf, sizeof buf, "\"%llx-%llx%s\"", static_cast<unsigned long long>(size), ticks,
                gz ? "-gz" : "");
  return buf;
}

bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  // Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
  return if_none_match.find(std::string_view(etag).substr(1, etag.size() - 2)) !=
         std::string_view::npos;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "application/javascript; charset=utf-8"},
      {"mjs", "application/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
  };
  for (const auto& e : kTypes) {
    if (http::iequals(e.ext, ext)) return e.type;
  }
  return "application/octet-stream";
}

bool is_hashed_asset(std::string_view name) {
  // Vite names build outputs "<name>-<hash>.<ext>" (hash: 8+ chars of [A-Za-z0-9_-]).
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view stem = name.substr(0, dot);
  auto sep = stem.find_last_of("-.");
  if (sep == std::string_view::npos) return false;
  std::string_view hash = stem.substr(sep + 1);
  if (hash.size() < 8) return false;
  bool has_digit = false;
  for (char c : hash) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    if (std::isdigit(static_cast<unsigned char>(c))) has_digit = true;
  }
  return has_digit;
}

StaticSite::StaticSite(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(root_, ec);
  if (!ec) root_ = canonical;
}

std::optional<std::string> StaticSite::compressed(const fs::path& file, fs::file_time_type mtime,
                                                  uint64_t size, const std::string& content) {
  std::string key = file.string();
  {
    std::lock_guard lock(mu_);
    auto it = gzip_cache_.find(key);
    if (it != gzip_cache_.end() && it->second.mtime == mtime && it->second.size == size) {
      return it->second.gz;
    }
  }
  auto gz = gzip_compress(content);
  if (!gz) return std::nullopt;
  std::lock_guard lock(mu_);
  if (gzip_cache_bytes_ + gz->size() <= kMaxGzipCacheBytes) {
    auto& slot = gzip_cache_[key];
    gzip_cache_bytes_ -= slot.gz.size();
    slot = {mtime, size, *gz};
    gzip_cache_bytes_ += gz->size();
  }
  return gz;
}

http::Response StaticSite::serve(const http::Request& req, const std::string& path) {
  if (req.method != "GET" && req.method != "HEAD") {
    http::Response r = http::problem(405, "the web app answers GET and HEAD", req.request_id);
    r.headers.set("Allow", "GET, HEAD");
    return r;
  }
  std::error_code ec;
  std::string rel = path.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  fs::path file = root_ / rel;
  bool spa = false;
  auto status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) {
    std::string_view last = std::string_view(rel).substr(rel.rfind('/') + 1);
    bool looks_like_route = last.find('.') == std::string_view::npos;
    if (!looks_like_route) {
      return http::problem(404, "no file " + path, req.request_id);
    }
    file = root_ / "index.html";
    spa = true;
    if (!fs::is_regular_file(file, ec)) {
      return http::problem(404, "the web app is not built (no index.html in the web root)",
                           req.request_id);
    }
  }
  // Symlinks must not lead out of the root.
  fs::path resolved = fs::weakly_canonical(file, ec);
  if (ec) return http::problem(404, "no file " + path, req.request_id);
  auto [root_end, _] = std::mismatch(root_.begin(), root_.end(), resolved.begin(), resolved.end());
  if (root_end != root_.end()) return http::problem(404, "no file " + path, req.request_id);

  uint64_t size = fs::file_size(resolved, ec);
  if (ec) return http::problem(404, "no file " + path, req.request_id);
  if (size > kMaxFileBytes) {
    return http::problem(500, "file too large for the static server", req.request_id);
  }
  auto mtime = fs::last_write_time(resolved, ec);
  std::string name = resolved.filename().string();
  std::string_view type = content_type_for(name);
  bool immutable = !spa && is_hashed_asset(name) && rel.find("assets/") != std::string::npos;

  http::Response res;
  res.headers.set("Content-Type", type);
  res.headers.set("Cache-Control",
                  immutable ? "public, max-age=31536000, immutable" : "no-cache");
  bool gzip_ok = compressible(type) && accepts_gzip(req.header("Accept-Encoding"));
  if (compressible(type)) res.headers.set("Vary", "Accept-Encoding");
  bool use_gzip = gzip_ok && size >= kMinGzipBytes;
  std::string etag = etag_for(size, mtime, use_gzip);
  res.headers.set("ETag", etag);
  if (etag_matches(req.header("If-None-Match"), etag)) {
    res.status = 304;
    return res;
  }
  std::optional<std::string> body;
  if (use_gzip) {
    fs::path pre = resolved;
    pre += ".gz";
    std::error_code ec2;
    if (fs::is_regular_file(pre, ec2) && fs::last_write_time(pre, ec2) >= mtime && !ec2) {
      body = read_file(pre, fs::file_size(pre, ec2));
    }
    if (!body) {
      auto plain = read_file(resolved, size);
      if (!plain) return http::problem(500, "cannot read " + path, req.request_id);
      body = compressed(resolved, mtime, size, *plain);
      if (!body) {
        body = std::move(plain);
        use_gzip = false;
      }
    }
    if (use_gzip) res.headers.set("Content-Encoding", "gzip");
  } else {
    body = read_file(resolved, size);
    if (!body) return http::problem(500, "cannot read " + path, req.request_id);
  }
  res.body = std::move(*body);
  return res;
}

}  // namespace dts::gateway
