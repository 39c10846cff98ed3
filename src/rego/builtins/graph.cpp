// graph.reachable and graph.reachable_paths over adjacency objects
// ({vertex: array|set of neighbours}).
#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using types::kArray;
using types::kObject;
using types::kSet;
using Args = std::span<const Value>;

Result<std::vector<Value>> neighbours(std::string_view fn, const Value& edges) {
  if (edges.is_array()) return edges.as_array();
  if (edges.is_set()) return std::vector<Value>(edges.as_set().begin(), edges.as_set().end());
  if (edges.is_null()) return std::vector<Value>{};
  return type_error(std::string(fn) + ": operand 1 must be object[any: array|set] but got " +
                    std::string(edges.type_name()) + " value");
}

Result<Value> reachable(Args a, BuiltinContext& ctx) {
  const char* fn = "graph.reachable";
  DTS_ASSIGN_OR_RETURN(const Object* graph, builtins::arg_object(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::vector<Value> queue, builtins::arg_elements(fn, a, 2));
  Set reached;
  while (!queue.empty()) {
    if (ctx.cancelled()) return cancelled_error();
    Value node = queue.back();
    queue.pop_back();
    auto it = graph->find(node);
    // Only vertices of the graph (its keys) are reported, as in OPA.
    if (it == graph->end() || reached.contains(node)) continue;
    reached.insert(node);
    DTS_ASSIGN_OR_RETURN(auto next, neighbours(fn, it->second));
    queue.insert(queue.end(), next.begin(), next.end());
  }
  return Value::set(std::move(reached));
}

Status paths_from(const Object& graph, const Value& node, Array& path, Set& out,
                  BuiltinContext& ctx) {
  if (ctx.cancelled()) return cancelled_error();
  auto it = graph.find(node);
  if (it == graph.end()) {
    if (!path.empty()) out.insert(Value::array(path));
    return ok_status();
  }
  path.push_back(node);
  DTS_ASSIGN_OR_RETURN(auto next, neighbours("graph.reachable_paths", it->second));
  bool extended = false;
  for (const auto& n : next) {
    if (std::find(path.begin(), path.end(), n) != path.end()) continue;  // no cycles
    extended = true;
    DTS_TRY(paths_from(graph, n, path, out, ctx));
  }
  if (!extended) out.insert(Value::array(path));
  path.pop_back();
  return ok_status();
}

Result<Value> reachable_paths(Args a, BuiltinContext& ctx) {
  const char* fn = "graph.reachable_paths";
  DTS_ASSIGN_OR_RETURN(const Object* graph, builtins::arg_object(fn, a, 1));
  DTS_ASSIGN_OR_RETURN(std::vector<Value> starts, builtins::arg_elements(fn, a, 2));
  Set out;
  for (const auto& s : starts) {
    Array path;
    DTS_TRY(paths_from(*graph, s, path, out, ctx));
  }
  return Value::set(std::move(out));
}

}  // namespace

void register_graph(Registry& r) {
  r.add("graph.reachable", {kObject, kArray | kSet}, kSet,
        [](Args a, BuiltinContext& ctx) { return reachable(a, ctx); });
  r.add("graph.reachable_paths", {kObject, kArray | kSet}, kSet,
        [](Args a, BuiltinContext& ctx) { return reachable_paths(a, ctx); });
}

}  // namespace dts::rego
