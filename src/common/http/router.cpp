#include "common/http/router.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace dts::http {

struct Router::Node {
  struct Endpoint {
    Handler handler;
    std::string route;
  };
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;          // `{name}`
  std::string param_name;
  std::unique_ptr<Node> rest;           // `{name...}`: terminal
  std::string rest_name;
  std::map<std::string, Endpoint, std::less<>> endpoints;  // method -> endpoint
};

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

[[noreturn]] void bad_pattern(std::string_view pattern, const char* why) {
  std::fprintf(stderr, "router: bad pattern '%.*s': %s\n", static_cast<int>(pattern.size()),
               pattern.data(), why);
  std::abort();
}

bool is_param(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') bad_pattern(pattern, "must start with '/'");
  auto segments = split_path(pattern);
  Node* node = root_.get();
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view seg = segments[i];
    if (is_param(seg)) {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        if (i + 1 != segments.size()) bad_pattern(pattern, "{rest...} must be last");
        if (!node->rest) node->rest = std::make_unique<Node>();
        node->rest_name = name.substr(0, name.size() - 3);
        node = node->rest.get();
        break;
      }
      if (name.empty()) bad_pattern(pattern, "empty parameter name");
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        bad_pattern(pattern, "conflicting parameter names at the same position");
      }
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        bad_pattern(pattern, "braces inside a literal segment");
      }
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  auto [it, inserted] =
      node->endpoints.emplace(std::string(method), Node::Endpoint{std::move(handler), std::string(pattern)});
  if (!inserted) bad_pattern(pattern, "duplicate route");
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto segments = split_path(path);
  // Depth-first: literal, then {param}, then {rest...}. Bindings are kept on a stack.
  PathParams bindings;
  const Router::Node* found = nullptr;

  std::function<bool(const Router::Node*, size_t)> walk = [&](const Router::Node* node,
                                                              size_t i) -> bool {
    if (i == segments.size()) {
      if (!node->endpoints.empty()) {
        found = node;
        return true;
      }
      // `/a/{rest...}` also matches `/a` with an empty rest.
      if (node->rest && !node->rest->endpoints.empty()) {
        bindings.emplace_back(node->rest_name, "");
        found = node->rest.get();
        return true;
      }
      return false;
    }
    std::string_view seg = segments[i];
    if (auto it = node->literals.find(seg); it != node->literals.end()) {
      if (walk(it->second.get(), i + 1)) return true;
    }
    if (node->param && !seg.empty()) {
      bindings.emplace_back(node->param_name, std::string(seg));
      if (walk(node->param.get(), i + 1)) return true;
      bindings.pop_back();
    }
    if (node->rest && !node->rest->endpoints.empty()) {
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest.push_back('/');
        rest.append(segments[j]);
      }
      bindings.emplace_back(node->rest_name, std::move(rest));
      found = node->rest.get();
      return true;
    }
    return false;
  };

  if (!walk(root_.get(), 0)) return result;
  result.path_matched = true;
  auto it = found->endpoints.find(method);
  if (it == found->endpoints.end()) it = found->endpoints.find("*");
  if (it == found->endpoints.end() && method == "HEAD") it = found->endpoints.find("GET");
  if (it == found->endpoints.end()) {
    for (const auto& [m, _] : found->endpoints) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
    return result;
  }
  result.handler = &it->second.handler;
  result.route = it->second.route;
  for (auto& [name, raw] : bindings) {
    auto decoded = percent_decode(raw);
    if (!decoded) {
      result.bad_encoding = true;
      result.handler = nullptr;
      return result;
    }
    result.params.emplace_back(std::move(name), std::move(*decoded));
  }
  return result;
}

}  // namespace dts::http
