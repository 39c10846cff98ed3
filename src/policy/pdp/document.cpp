#include "policy/pdp/document.hpp"

#include <charconv>
#include <functional>

namespace dts::policy::pdp {
namespace {

using rego::Value;

// The last step of an edit: given the parent container and the final segment, return the
// new parent.
using Leaf = std::function<Result<Value>(const Value& parent, const std::string& key)>;

std::optional<size_t> parse_index(const std::string& s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) {
    return std::nullopt;
  }
  size_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return i;
}

const Value* child_of(const Value& node, const std::string& key) {
  if (node.is_object()) {
    return node.find(Value::string(key));
  }
  if (node.is_array()) {
    auto i = parse_index(key);
    if (!i || *i >= node.as_array().size()) {
      return nullptr;
    }
    return &node.as_array()[*i];
  }
  return nullptr;
}

Result<Value> replace_child(const Value& node, const std::string& key, Value child) {
  if (node.is_object()) {
    rego::Object members = node.as_object();
    members.insert_or_assign(Value::string(key), std::move(child));
    return Value::object(std::move(members));
  }
  if (node.is_array()) {
    auto i = parse_index(key);
    if (!i || *i >= node.as_array().size()) {
      return not_found("array index " + key + " out of range");
    }
    rego::Array items = node.as_array();
    items[*i] = std::move(child);
    return Value::array(std::move(items));
  }
  return invalid_argument("cannot descend into a " + std::string(node.type_name()));
}

// Walks to the parent of the last segment, applies `leaf` there and rebuilds the spine.
// `create` makes missing intermediate objects (PUT semantics).
Result<Value> edit(const Value& node, const DocPath& path, size_t i, const Leaf& leaf,
                   bool create) {
  if (i + 1 == path.size()) {
    return leaf(node, path[i]);
  }
  const Value* child = child_of(node, path[i]);
  Value next;
  if (child != nullptr) {
    next = *child;
  } else if (create && node.is_object()) {
    next = Value::empty_object();
  } else {
    return not_found("document " + join_doc_path(DocPath(path.begin(), path.begin() + i + 1)) +
                     " does not exist");
  }
  DTS_ASSIGN_OR_RETURN(Value updated, edit(next, path, i + 1, leaf, create));
  return replace_child(node, path[i], std::move(updated));
}

// RFC 6901 pointer "/a/b~1c" -> {"a", "b/c"}.
Result<DocPath> parse_pointer(const std::string& pointer) {
  DocPath out;
  if (pointer.empty()) {
    return out;
  }
  if (pointer[0] != '/') {
    return invalid_argument("patch path must start with '/': " + pointer);
  }
  std::string seg;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      out.push_back(std::move(seg));
      seg.clear();
    } else if (pointer[i] == '~' && i + 1 < pointer.size() &&
               (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
      seg += pointer[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      seg += pointer[i];
    }
  }
  return out;
}

// JSON Patch "add": objects set the member, arrays insert before the index ("-" appends).
Result<Value> add_at(const Value& root, const DocPath& path, Value value) {
  if (path.empty()) {
    return value;
  }
  Leaf leaf = [&value](const Value& parent, const std::string& key) -> Result<Value> {
    if (parent.is_array()) {
      rego::Array items = parent.as_array();
      size_t at = items.size();
      if (key != "-") {
        auto i = parse_index(key);
        if (!i || *i > items.size()) {
          return not_found("array index " + key + " out of range");
        }
        at = *i;
      }
      items.insert(items.begin() + static_cast<std::ptrdiff_t>(at), value);
      return Value::array(std::move(items));
    }
    return replace_child(parent, key, value);
  };
  return edit(root, path, 0, leaf, false);
}

Result<Value> apply_one(const Value& root, const DocPath& base, const Value& op) {
  if (!op.is_object()) {
    return invalid_argument("patch operation must be an object");
  }
  auto text = [&op](const char* name) -> std::optional<std::string> {
    const Value* v = op.find(Value::string(name));
    if (v == nullptr || !v->is_string()) {
      return std::nullopt;
    }
    return v->as_string();
  };
  auto kind = text("op");
  auto pointer = text("path");
  if (!kind || !pointer) {
    return invalid_argument("patch operation needs string fields \"op\" and \"path\"");
  }
  DTS_ASSIGN_OR_RETURN(DocPath rel, parse_pointer(*pointer));
  DocPath path = base;
  path.insert(path.end(), rel.begin(), rel.end());
  const Value* value = op.find(Value::string("value"));
  if ((*kind == "add" || *kind == "replace" || *kind == "test") && value == nullptr) {
    return invalid_argument("patch operation \"" + *kind + "\" needs a \"value\"");
  }
  if (*kind == "add") {
    return add_at(root, path, *value);
  }
  if (*kind == "remove") {
    return remove_at(root, path);
  }
  if (*kind == "replace") {
    if (find_at(root, path) == nullptr) {
      return not_found("document " + join_doc_path(path) + " does not exist");
    }
    return path.empty() ? *value : put_at(root, path, *value);
  }
  if (*kind == "test") {
    const Value* current = find_at(root, path);
    if (current == nullptr || !(*current == *value)) {
      return failed_precondition("patch test failed at " + join_doc_path(path));
    }
    return root;
  }
  if (*kind == "move" || *kind == "copy") {
    auto from_pointer = text("from");
    if (!from_pointer) {
      return invalid_argument("patch operation \"" + *kind + "\" needs a \"from\"");
    }
    DTS_ASSIGN_OR_RETURN(DocPath from_rel, parse_pointer(*from_pointer));
    DocPath from = base;
    from.insert(from.end(), from_rel.begin(), from_rel.end());
    const Value* source = find_at(root, from);
    if (source == nullptr) {
      return not_found("document " + join_doc_path(from) + " does not exist");
    }
    Value moved = *source;
    Value start = root;
    if (*kind == "move") {
      DTS_ASSIGN_OR_RETURN(start, remove_at(root, from));
    }
    return add_at(start, path, std::move(moved));
  }
  return invalid_argument("unknown patch operation \"" + *kind + "\"");
}

}  // namespace

DocPath split_doc_path(std::string_view path) {
  DocPath out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end > start) {
      out.emplace_back(path.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

std::string join_doc_path(const DocPath& path) {
  std::string out;
  for (const auto& s : path) {
    out += "/" + s;
  }
  return out.empty() ? "/" : out;
}

const Value* find_at(const Value& root, const DocPath& path) {
  const Value* node = &root;
  for (const auto& seg : path) {
    node = child_of(*node, seg);
    if (node == nullptr) {
      return nullptr;
    }
  }
  return node;
}

Result<Value> put_at(const Value& root, const DocPath& path, Value value) {
  if (path.empty()) {
    return value;
  }
  Leaf leaf = [&value](const Value& parent, const std::string& key) {
    return replace_child(parent, key, value);
  };
  return edit(root, path, 0, leaf, true);
}

Result<Value> remove_at(const Value& root, const DocPath& path) {
  if (path.empty()) {
    return invalid_argument("cannot remove the root document");
  }
  Leaf leaf = [&path](const Value& parent, const std::string& key) -> Result<Value> {
    if (child_of(parent, key) == nullptr) {
      return not_found("document " + join_doc_path(path) + " does not exist");
    }
    if (parent.is_object()) {
      rego::Object members = parent.as_object();
      members.erase(Value::string(key));
      return Value::object(std::move(members));
    }
    rego::Array items = parent.as_array();
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(*parse_index(key)));
    return Value::array(std::move(items));
  };
  return edit(root, path, 0, leaf, false);
}

Result<Value> apply_patch(const Value& root, const DocPath& base, const Value& ops) {
  if (!ops.is_array()) {
    return invalid_argument("patch body must be a JSON array of operations");
  }
  Value doc = root;
  for (const auto& op : ops.as_array()) {
    DTS_ASSIGN_OR_RETURN(doc, apply_one(doc, base, op));
  }
  return doc;
}

}  // namespace dts::policy::pdp
