#pragma once
// Method + path-template routing.
//
// Templates are split on '/'; a segment is a literal, `{name}` (one segment) or, as the
// last segment, `{name...}` (the rest of the path, possibly empty). Literal segments win
// over parameters regardless of insertion order. Matching works on the raw (still
// percent-encoded) path, so an encoded slash (%2F) never splits a segment; parameters
// are decoded after matching.
//
// Thread-safety: build the router at start-up, then it is immutable and safe to share.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::http {

using Handler = std::function<boost::asio::awaitable<Result<Response>>(Request&)>;

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `handler` for `method` (e.g. "GET"; "*" = any) on `pattern`.
  // A duplicate (method, pattern) or malformed pattern is a programming error: aborts.
  void add(std::string_view method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;   // null when nothing matched
    std::string_view route;             // the template that matched (for metrics)
    PathParams params;
    bool path_matched = false;          // true + null handler = 405
    std::string allow;                  // "GET, POST" for the 405 Allow header
    bool bad_encoding = false;          // a parameter had a malformed %-escape
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace dts::http
