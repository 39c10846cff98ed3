#pragma once
// Renders OPA API response bodies. Results are Rego values whose JSON text the engine
// produces exactly (big integers stay exact), so bodies are assembled as text around it.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/http/message.hpp"
#include "rego/value.hpp"

namespace dts::policy::pdp {

struct DataResponse {
  std::optional<rego::Value> result;  // nullopt = undefined: the "result" key is left out
  std::vector<std::pair<std::string, int64_t>> metrics;  // OPA timer_* names, ns
  std::string decision_id;                               // only when decision logs are on
  std::optional<boost::json::object> warning;            // {"code","message"}
};

std::string render_data_body(const DataResponse& r);

// Indents JSON text with two spaces (OPA's ?pretty=true); invalid text is returned as is.
std::string pretty_json(const std::string& text);

// application/json response; `pretty` re-indents the body.
http::Response json_response(std::string body, bool pretty, unsigned status = 200);

// True for "?pretty", "?pretty=true", "?pretty=1" (OPA treats a bare flag as true).
bool flag_param(const http::Request& req, std::string_view name);

}  // namespace dts::policy::pdp
