#include "policy/pdp/render.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dts::policy::pdp {
namespace {

void indent(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void write_pretty(std::string& out, const boost::json::value& v, int depth) {
  if (const auto* obj = v.if_object()) {
    if (obj->empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& [k, member] : *obj) {
      if (!first) {
        out += ',';
      }
      first = false;
      indent(out, depth + 1);
      out += boost::json::serialize(boost::json::value(k));
      out += ": ";
      write_pretty(out, member, depth + 1);
    }
    indent(out, depth);
    out += '}';
  } else if (const auto* arr = v.if_array()) {
    if (arr->empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (size_t i = 0; i < arr->size(); ++i) {
      if (i > 0) {
        out += ',';
      }
      indent(out, depth + 1);
      write_pretty(out, (*arr)[i], depth + 1);
    }
    indent(out, depth);
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string render_data_body(const DataResponse& r) {
  std::string out = "{";
  auto sep = [&out] {
    if (out.size() > 1) {
      out += ',';
    }
  };
  if (!r.decision_id.empty()) {
    sep();
    out += "\"decision_id\":" + boost::json::serialize(boost::json::value(r.decision_id));
  }
  if (!r.metrics.empty()) {
    boost::json::object m;
    for (const auto& [name, ns] : r.metrics) {
      m[name] = ns;
    }
    sep();
    out += "\"metrics\":" + boost::json::serialize(m);
  }
  if (r.result) {
    sep();
    out += "\"result\":" + r.result->to_json();
  }
  if (r.warning) {
    sep();
    out += "\"warning\":" + boost::json::serialize(*r.warning);
  }
  out += '}';
  return out;
}

std::string pretty_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) {
    return text;
  }
  std::string out;
  write_pretty(out, v, 0);
  out += '\n';
  return out;
}

http::Response json_response(std::string body, bool pretty, unsigned status) {
  if (pretty) {
    body = pretty_json(body);
  }
  return http::Response::text(std::move(body), status, "application/json");
}

bool flag_param(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) {
    return false;
  }
  return v->empty() || *v == "true" || *v == "1";
}

}  // namespace dts::policy::pdp
