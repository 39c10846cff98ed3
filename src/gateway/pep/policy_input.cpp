#include "gateway/pep/policy_input.hpp"

#include <set>

namespace dts::gateway::pep {
namespace {

using rego::Value;

constexpr std::string_view kTenantGroupPrefix = "tenant:";

Value str(std::string_view s) { return Value::string(std::string(s)); }

Value string_array(const std::vector<std::string>& items) {
  rego::Array a;
  a.reserve(items.size());
  for (const auto& s : items) a.push_back(Value::string(s));
  return Value::array(std::move(a));
}

// "tenant:<id>:<role>" -> id; empty when the group is not a tenant group.
std::string_view tenant_of_group(std::string_view group) {
  if (group.substr(0, kTenantGroupPrefix.size()) != kTenantGroupPrefix) {
    return {};
  }
  std::string_view rest = group.substr(kTenantGroupPrefix.size());
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return {};
  }
  return rest.substr(0, colon);
}

}  // namespace

std::function<std::optional<std::string_view>(std::string_view)> RequestView::lookup(
    const http::Headers& headers) {
  return [&headers](std::string_view name) { return headers.find(name); };
}

bool valid_tenant_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string resolve_tenant(std::optional<std::string_view> requested, const Principal* p) {
  if (requested && !requested->empty()) {
    return std::string(*requested);
  }
  if (p == nullptr) {
    return {};
  }
  if (p->claims.is_object()) {
    const Value* claim = p->claims.find(Value::string("custom:tenant_id"));
    if (claim != nullptr && claim->is_string() && valid_tenant_id(claim->as_string())) {
      return claim->as_string();
    }
  }
  std::set<std::string_view> tenants;
  for (const auto& g : p->groups) {
    std::string_view t = tenant_of_group(g);
    if (!t.empty()) tenants.insert(t);
  }
  if (tenants.size() == 1 && valid_tenant_id(*tenants.begin())) {
    return std::string(*tenants.begin());
  }
  return {};
}

bool holds_tenant(const Principal* p, std::string_view tenant) {
  if (p == nullptr || tenant.empty()) {
    return false;
  }
  if (p->claims.is_object()) {
    const Value* claim = p->claims.find(Value::string("custom:tenant_id"));
    if (claim != nullptr && claim->is_string() && claim->as_string() == tenant) {
      return true;
    }
  }
  for (const auto& g : p->groups) {
    if (tenant_of_group(g) == tenant) return true;
  }
  return false;
}

rego::Array path_segments(std::string_view path) {
  rego::Array out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) {
      std::string_view raw = path.substr(start, slash - start);
      auto decoded = http::percent_decode(raw);
      out.push_back(Value::string(decoded ? std::move(*decoded) : std::string(raw)));
    }
    start = slash + 1;
  }
  return out;
}

Value build_input(const RequestView& request, const Principal* principal, const std::string& tenant,
                  const std::vector<std::string>& input_headers, int64_t time_ns) {
  rego::Object in;
  in[str("method")] = str(request.method);
  in[str("path")] = str(request.path);
  in[str("segments")] = Value::array(path_segments(request.path));
  rego::Object headers;
  for (const auto& name : input_headers) {
    if (auto v = request.get(name)) {
      headers[str(name)] = str(*v);
    }
  }
  in[str("headers")] = Value::object(std::move(headers));
  in[str("source_ip")] = str(request.source_ip);
  in[str("request_id")] = str(request.request_id);
  in[str("time_ns")] = Value::number(time_ns);
  in[str("authenticated")] = Value::boolean(principal != nullptr);
  in[str("tenant")] = str(tenant);
  if (principal != nullptr) {
    rego::Object p;
    p[str("sub")] = str(principal->subject);
    p[str("username")] = str(principal->username);
    p[str("client_id")] = str(principal->client_id);
    p[str("issuer")] = str(principal->issuer);
    p[str("scopes")] = string_array(principal->scopes);
    in[str("principal")] = Value::object(std::move(p));
    in[str("claims")] = principal->claims;
    in[str("groups")] = string_array(principal->groups);
  } else {
    in[str("principal")] = Value::null();
    in[str("claims")] = Value::empty_object();
    in[str("groups")] = Value::empty_array();
  }
  return Value::object(std::move(in));
}

}  // namespace dts::gateway::pep
