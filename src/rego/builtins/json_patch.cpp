// json.patch: RFC 6902 applied to Rego values. Any failing operation makes the call
// undefined, as in OPA. Paths are JSON pointers or arrays of segments; set members are
// addressed by value. `replace` is remove-then-add (so it cannot rename set members).
#include <optional>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using Args = std::span<const Value>;
using Doc = std::optional<Value>;  // nullopt: the root was removed
using Segs = std::vector<Value>;

enum class Op { kAdd, kRemove };

std::optional<Segs> parse_pointer(const Value& p) {
  if (p.is_array()) {
    return p.as_array();
  }
  if (!p.is_string()) {
    return std::nullopt;
  }
  const std::string& s = p.as_string();
  Segs out;
  if (s.empty()) {
    return out;
  }
  if (s[0] != '/') {
    return std::nullopt;
  }
  std::string cur;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      out.push_back(str(cur));
      cur.clear();
    } else if (s[i] == '~' && i + 1 < s.size() && (s[i + 1] == '0' || s[i + 1] == '1')) {
      cur.push_back(s[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(s[i]);
    }
  }
  return out;
}

// Array index from a segment: a non-negative integer (number or decimal string).
std::optional<int64_t> index_of(const Value& seg) {
  if (seg.is_number()) {
    return seg.as_number().as_int64();
  }
  if (!seg.is_string() || seg.as_string().empty() || seg.as_string().size() > 18) {
    return std::nullopt;
  }
  int64_t n = 0;
  for (char c : seg.as_string()) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

const Value* child(const Value& node, const Value& seg) {
  if (node.is_array()) {
    auto i = index_of(seg);
    if (!i || *i < 0 || *i >= static_cast<int64_t>(node.as_array().size())) {
      return nullptr;
    }
    return &node.as_array()[static_cast<size_t>(*i)];
  }
  return node.find(seg);
}

std::optional<Value> apply_last(const Value& node, const Value& seg, Op op, const Value& val) {
  switch (node.kind()) {
    case Kind::kObject: {
      Object o = node.as_object();
      if (op == Op::kAdd) {
        o.insert_or_assign(seg, val);
      } else if (o.erase(seg) == 0) {
        return std::nullopt;
      }
      return Value::object(std::move(o));
    }
    case Kind::kArray: {
      Array a = node.as_array();
      auto n = static_cast<int64_t>(a.size());
      if (op == Op::kAdd && seg.is_string() && seg.as_string() == "-") {
        a.push_back(val);
        return Value::array(std::move(a));
      }
      auto i = index_of(seg);
      if (!i || *i < 0 || *i > n || (op == Op::kRemove && *i == n)) {
        return std::nullopt;
      }
      if (op == Op::kAdd) {
        a.insert(a.begin() + *i, val);
      } else {
        a.erase(a.begin() + *i);
      }
      return Value::array(std::move(a));
    }
    case Kind::kSet: {
      Set s = node.as_set();
      if (op == Op::kAdd) {
        // A set member is addressed by its value, so the path must name the value added.
        if (!(seg == val)) {
          return std::nullopt;
        }
        s.insert(val);
      } else if (s.erase(seg) == 0) {
        return std::nullopt;
      }
      return Value::set(std::move(s));
    }
    default:
      return std::nullopt;
  }
}

std::optional<Value> apply_at(const Value& node, std::span<const Value> segs, Op op,
                              const Value& val) {
  if (segs.size() == 1) {
    return apply_last(node, segs[0], op, val);
  }
  const Value* c = child(node, segs[0]);
  if (c == nullptr) {
    return std::nullopt;
  }
  auto updated = apply_at(*c, segs.subspan(1), op, val);
  if (!updated) {
    return std::nullopt;
  }
  switch (node.kind()) {
    case Kind::kObject: {
      Object o = node.as_object();
      o.insert_or_assign(segs[0], *updated);
      return Value::object(std::move(o));
    }
    case Kind::kArray: {
      Array a = node.as_array();
      a[static_cast<size_t>(*index_of(segs[0]))] = *updated;
      return Value::array(std::move(a));
    }
    default: {  // set: the member changes identity
      Set s = node.as_set();
      s.erase(segs[0]);
      s.insert(*updated);
      return Value::set(std::move(s));
    }
  }
}

bool apply(Doc& doc, const Segs& segs, Op op, const Value& val) {
  if (segs.empty()) {
    if (op == Op::kAdd) {
      doc = val;
    } else {
      if (!doc) {
        return false;
      }
      doc.reset();
    }
    return true;
  }
  if (!doc) {
    return false;
  }
  auto next = apply_at(*doc, segs, op, val);
  if (!next) {
    return false;
  }
  doc = std::move(next);
  return true;
}

std::optional<Value> get(const Doc& doc, const Segs& segs) {
  if (!doc) {
    return std::nullopt;
  }
  const Value* cur = &*doc;
  for (const auto& s : segs) {
    cur = child(*cur, s);
    if (cur == nullptr) {
      return std::nullopt;
    }
  }
  return *cur;
}

bool apply_patch(Doc& doc, const Value& patch) {
  if (!patch.is_object()) {
    return false;
  }
  const Value* op = patch.find(str("op"));
  const Value* path_v = patch.find(str("path"));
  if (op == nullptr || !op->is_string() || path_v == nullptr) {
    return false;
  }
  auto path = parse_pointer(*path_v);
  if (!path) {
    return false;
  }
  const std::string& name = op->as_string();
  const Value* value = patch.find(str("value"));
  if (name == "add" || name == "replace" || name == "test") {
    if (value == nullptr) {
      return false;
    }
    if (name == "add") {
      return apply(doc, *path, Op::kAdd, *value);
    }
    if (name == "test") {
      auto cur = get(doc, *path);
      return cur && *cur == *value;
    }
    return apply(doc, *path, Op::kRemove, Value()) && apply(doc, *path, Op::kAdd, *value);
  }
  if (name == "remove") {
    return apply(doc, *path, Op::kRemove, Value());
  }
  if (name == "move" || name == "copy") {
    const Value* from_v = patch.find(str("from"));
    std::optional<Segs> from = from_v ? parse_pointer(*from_v) : std::nullopt;
    if (!from) {
      return false;
    }
    auto moved = get(doc, *from);
    if (!moved) {
      return false;
    }
    if (name == "move" && !apply(doc, *from, Op::kRemove, Value())) {
      return false;
    }
    return apply(doc, *path, Op::kAdd, *moved);
  }
  return false;
}

}  // namespace

void register_json_patch(Registry& r) {
  r.add("json.patch", {types::kAny, types::kArray}, types::kAny,
        [](Args a, BuiltinContext&) -> Result<Value> {
          if (!a[1].is_array()) {
            return operand_error("json.patch", 2, "array", a[1]);
          }
          Doc doc = a[0];
          for (const auto& p : a[1].as_array()) {
            if (!apply_patch(doc, p)) {
              return undefined_result();
            }
          }
          if (!doc) {
            return undefined_result();
          }
          return *doc;
        });
}

}  // namespace dts::rego
