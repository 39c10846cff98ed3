#pragma once
// HTTP messages as services see them: plain structs, no Beast types (design.md §4.7).
// The server converts to and from Beast at the socket edge (session.cpp).

#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ids.hpp"

namespace dts::http {

// Header names compare case-insensitively; order and duplicates are kept.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // First value of `name`, or empty.
  std::string_view get(std::string_view name) const;
  std::optional<std::string_view> find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name).has_value(); }
  // Replaces every field called `name` with one field.
  void set(std::string_view name, std::string_view value);
  void add(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  size_t size() const { return fields_.size(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

bool iequals(std::string_view a, std::string_view b);

// Path parameters bound by the router, e.g. {id} -> "42" (percent-decoded).
using PathParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;        // upper-case token, e.g. "GET"
  std::string target;        // as received: path + optional query
  std::string path;          // the path part of target, still percent-encoded
  std::string query;         // the part after '?', raw
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP
  unsigned version = 11;       // 10 or 11

  // Filled by the server before the handler runs.
  std::string request_id;
  ids::TraceContext trace;       // this hop's span (child of the incoming traceparent)
  std::string route;             // the matched route template, e.g. "/v1/items/{id}"
  PathParams params;
  std::chrono::steady_clock::time_point deadline;  // when the server gives up on it

  std::string_view header(std::string_view name) const { return headers.get(name); }
  // Decoded path parameter by name; empty if absent.
  std::string_view param(std::string_view name) const;
  // First decoded query parameter by name.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  Headers headers;
  std::string body;

  static Response json(const boost::json::value& body, unsigned status = 200);
  static Response text(std::string body, unsigned status = 200,
                       std::string_view content_type = "text/plain; charset=utf-8");
  static Response empty(unsigned status = 204);
};

// Percent-decodes `in` (RFC 3986). `plus_as_space` for application/x-www-form-urlencoded.
// Returns nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space = false);
std::string percent_encode(std::string_view in);

// Parses an application/x-www-form-urlencoded string (query or form body).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view in);

std::string_view reason_phrase(unsigned status);

}  // namespace dts::http
