// json.filter, json.remove (path trees) and json.patch (RFC 6902 over Rego values).
#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kArray;
using types::kObject;
using types::kSet;
using Args = std::span<const Value>;

// A path tree: null marks "the whole value from here on" (a path ended here).
struct PathTree {
  bool leaf = false;
  std::map<Value, PathTree, ValueLess> children;
};

std::vector<Value> split_path(std::string_view p) {
  while (!p.empty() && p.front() == '/') {
    p.remove_prefix(1);
  }
  std::vector<Value> out;
  size_t pos = 0;
  while (true) {
    size_t slash = p.find('/', pos);
    out.push_back(str(std::string(p.substr(pos, slash - pos))));
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  return out;
}

Result<PathTree> build_tree(std::string_view fn, Args a) {
  if (!a[1].is_array() && !a[1].is_set()) {
    return operand_error(fn, 2, "one of {array, set}", a[1]);
  }
  std::vector<Value> paths = a[1].is_array()
                                 ? a[1].as_array()
                                 : std::vector<Value>(a[1].as_set().begin(), a[1].as_set().end());
  PathTree root;
  for (const auto& p : paths) {
    std::vector<Value> segs;
    if (p.is_string()) {
      segs = split_path(p.as_string());
    } else if (p.is_array()) {
      segs = p.as_array();
    } else {
      return type_error(std::string(fn) +
                        ": operand 2 must be one of {set, array} containing string paths or "
                        "array of path segments but got " +
                        std::string(p.type_name()));
    }
    PathTree* node = &root;
    for (const auto& s : segs) {
      if (node->leaf) {
        break;
      }
      node = &node->children[s];
    }
    node->leaf = true;
    node->children.clear();  // a shorter path keeps the whole subtree
  }
  return root;
}

// Array elements are addressed by their index as a string, as in OPA's path parsing.
const PathTree* child_for_index(const PathTree& t, size_t i) {
  auto it = t.children.find(str(std::to_string(i)));
  return it == t.children.end() ? nullptr : &it->second;
}

Value filter(const Value& v, const PathTree& t) {
  if (t.leaf) {
    return v;
  }
  switch (v.kind()) {
    case Kind::kObject: {
      Object out;
      for (const auto& [k, sub] : t.children) {
        if (const Value* m = v.find(k)) {
          out.emplace(k, filter(*m, sub));
        }
      }
      return Value::object(std::move(out));
    }
    case Kind::kArray: {
      Array out;
      for (size_t i = 0; i < v.as_array().size(); ++i) {
        if (const PathTree* sub = child_for_index(t, i)) {
          out.push_back(filter(v.as_array()[i], *sub));
        }
      }
      return Value::array(std::move(out));
    }
    case Kind::kSet: {
      Set out;
      for (const auto& [k, sub] : t.children) {
        if (v.as_set().contains(k)) {
          out.insert(filter(k, sub));
        }
      }
      return Value::set(std::move(out));
    }
    default:
      return v;
  }
}

// Returns nullopt when the value itself is removed.
std::optional<Value> remove(const Value& v, const PathTree& t) {
  if (t.leaf) {
    return std::nullopt;
  }
  switch (v.kind()) {
    case Kind::kObject: {
      Object out;
      for (const auto& [k, m] : v.as_object()) {
        auto it = t.children.find(k);
        if (it == t.children.end()) {
          out.emplace(k, m);
        } else if (auto kept = remove(m, it->second)) {
          out.emplace(k, *kept);
        }
      }
      return Value::object(std::move(out));
    }
    case Kind::kArray: {
      Array out;
      for (size_t i = 0; i < v.as_array().size(); ++i) {
        const PathTree* sub = child_for_index(t, i);
        if (sub == nullptr) {
          out.push_back(v.as_array()[i]);
        } else if (auto kept = remove(v.as_array()[i], *sub)) {
          out.push_back(*kept);
        }
      }
      return Value::array(std::move(out));
    }
    case Kind::kSet: {
      Set out;
      for (const auto& m : v.as_set()) {
        auto it = t.children.find(m);
        if (it == t.children.end()) {
          out.insert(m);
        } else if (auto kept = remove(m, it->second)) {
          out.insert(*kept);
        }
      }
      return Value::set(std::move(out));
    }
    default:
      return v;
  }
}

}  // namespace

void register_json_patch(Registry& r);  // json_patch.cpp

void register_json_ops(Registry& r) {
  r.add("json.filter", {kObject, kArray | kSet}, kAny,
        [](Args a, BuiltinContext&) -> Result<Value> {
          if (!a[0].is_object()) {
            return operand_error("json.filter", 1, "object", a[0]);
          }
          DTS_ASSIGN_OR_RETURN(PathTree t, build_tree("json.filter", a));
          return filter(a[0], t);
        });
  r.add("json.remove", {kObject, kArray | kSet}, kAny,
        [](Args a, BuiltinContext&) -> Result<Value> {
          if (!a[0].is_object()) {
            return operand_error("json.remove", 1, "object", a[0]);
          }
          DTS_ASSIGN_OR_RETURN(PathTree t, build_tree("json.remove", a));
          auto out = remove(a[0], t);
          return out ? *out : Value::empty_object();
        });
  register_json_patch(r);
}

}  // namespace dts::rego
