// json.marshal*, json.unmarshal, json.is_valid and yaml.* builtins.
#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kBool;
using types::kObject;
using types::kString;
using Args = std::span<const Value>;

// Go's json.MarshalIndent layout: the first line has no prefix; nested lines get
// prefix + indent*depth; empty containers stay "[]" / "{}".
void indent_json(std::string& out, const Value& v, const std::string& prefix,
                 const std::string& indent, int depth) {
  auto newline = [&](int d) {
    out += "\n" + prefix;
    for (int i = 0; i < d; ++i) {
      out += indent;
    }
  };
  if (v.is_array() || v.is_set()) {
    std::vector<Value> items =
        v.is_array() ? v.as_array() : std::vector<Value>(v.as_set().begin(), v.as_set().end());
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += "[";
    for (size_t i = 0; i < items.size(); ++i) {
      newline(depth + 1);
      indent_json(out, items[i], prefix, indent, depth + 1);
      if (i + 1 < items.size()) {
        out += ",";
      }
    }
    newline(depth);
    out += "]";
  } else if (v.is_object()) {
    if (v.as_object().empty()) {
      out += "{}";
      return;
    }
    out += "{";
    size_t i = 0;
    for (const auto& [k, m] : v.as_object()) {
      newline(depth + 1);
      out += k.is_string() ? k.to_json() : str(k.to_json()).to_json();
      out += ": ";
      indent_json(out, m, prefix, indent, depth + 1);
      if (++i < v.as_object().size()) {
        out += ",";
      }
    }
    newline(depth);
    out += "}";
  } else {
    out += v.to_json();
  }
}

Result<Value> marshal_with_options(Args a) {
  const char* fn = "json.marshal_with_options";
  DTS_ASSIGN_OR_RETURN(const Object* opts, builtins::arg_object(fn, a, 2));
  bool pretty = false;
  bool pretty_set = false;
  std::string prefix;
  std::string indent = "\t";
  bool layout_given = false;
  for (const auto& [k, v] : *opts) {
    std::string key = k.is_string() ? k.as_string() : "";
    if (key == "pretty" && v.is_bool()) {
      pretty = v.as_bool();
      pretty_set = true;
    } else if (key == "prefix" && v.is_string()) {
      prefix = v.as_string();
      layout_given = true;
    } else if (key == "indent" && v.is_string()) {
      indent = v.as_string();
      layout_given = true;
    } else if (key == "pretty" || key == "prefix" || key == "indent") {
      return type_error(std::string(fn) + ": " + key + " option must be " +
                        (key == "pretty" ? "a boolean" : "a string"));
    } else {
      return type_error(std::string(fn) +
                        ": object operand must only contain keys from {pretty, prefix, indent}");
    }
  }
  // Giving a layout implies pretty output unless pretty is explicitly false.
  if (!pretty_set) {
    pretty = layout_given;
  }
  if (!pretty) {
    return str(a[0].to_json());
  }
  std::string out = prefix;
  indent_json(out, a[0], prefix, indent, 0);
  return str(std::move(out));
}

// go-yaml v2 style (what OPA's yaml.marshal produces through sigs.k8s.io/yaml).
bool needs_quotes(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL" || s == "true" ||
      s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE" || s == "yes" ||
      s == "no" || s == "on" || s == "off" || s == "y" || s == "n" || s == "Yes" || s == "No" ||
      s == "On" || s == "Off") {
    return true;
  }
  if (Number::parse(s) || s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) {
    return true;
  }
  static const std::string_view kLead = "-?:,[]{}#&*!|>'\"%@` \t";
  if (kLead.find(s.front()) != std::string_view::npos || s.back() == ' ' || s.back() == ':') {
    return true;
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      return true;
    }
  }
  return false;
}

std::string yaml_scalar(const Value& v) {
  if (v.is_string()) {
    return needs_quotes(v.as_string()) ? v.to_json() : v.as_string();
  }
  return v.to_json();
}

void yaml_emit(std::string& out, const Value& v, int indent);

void yaml_block_item(std::string& out, const Value& v, int indent) {
  bool nonempty_coll =
      (v.is_object() && !v.as_object().empty()) || ((v.is_array() || v.is_set()) && v.size() > 0);
  if (!nonempty_coll) {
    out += " " +
           (v.is_object()       ? std::string("{}")
            : v.is_collection() ? "[]"
                                : yaml_scalar(v)) +
           "\n";
  } else if (v.is_object()) {
    out += "\n";
    yaml_emit(out, v, indent + 2);
  } else {
    out += "\n";
    yaml_emit(out, v, indent);  // v2 does not indent sequences inside mappings
  }
}

void yaml_emit(std::string& out, const Value& v, int indent) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (const auto& [k, m] : v.as_object()) {
      out += pad + yaml_scalar(k.is_string() ? k : str(k.to_json())) + ":";
      yaml_block_item(out, m, indent);
    }
  } else if (v.is_array() || v.is_set()) {
    std::vector<Value> items =
        v.is_array() ? v.as_array() : std::vector<Value>(v.as_set().begin(), v.as_set().end());
    for (const auto& item : items) {
      if (item.is_object() && !item.as_object().empty()) {
        // "- " followed by the mapping whose first key shares the dash line.
        std::string nested;
        yaml_emit(nested, item, indent + 2);
        out += pad + "- " + nested.substr(static_cast<size_t>(indent) + 2);
      } else if ((item.is_array() || item.is_set()) && item.size() > 0) {
        std::string nested;
        yaml_emit(nested, item, indent + 2);
        out += pad + "- " + nested.substr(static_cast<size_t>(indent) + 2);
      } else {
        out += pad + "-";
        yaml_block_item(out, item, indent);
      }
    }
  } else {
    out += pad + yaml_scalar(v) + "\n";
  }
}

}  // namespace

void register_json_yaml(Registry& r) {
  r.add("json.marshal", {kAny}, kString,
        [](Args a, BuiltinContext&) -> Result<Value> { return str(a[0].to_json()); });
  r.add("json.marshal_with_options", {kAny, kObject}, kString,
        [](Args a, BuiltinContext&) { return marshal_with_options(a); });
  r.add("json.unmarshal", {kString}, kAny, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("json.unmarshal", a, 1));
    auto v = Value::from_json(s);
    if (!v.ok()) {
      return builtin_error("json.unmarshal: " + v.error().message());
    }
    return *v;
  });
  r.add("json.is_valid", {kString}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    return Value::boolean(a[0].is_string() && Value::from_json(a[0].as_string()).ok());
  });
  r.add("yaml.marshal", {kAny}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    std::string out;
    if (a[0].is_object() && a[0].as_object().empty()) {
      out = "{}\n";
    } else if (a[0].is_collection() && a[0].size() == 0) {
      out = "[]\n";
    } else {
      yaml_emit(out, a[0], 0);
    }
    return str(std::move(out));
  });
  r.add("yaml.unmarshal", {kString}, kAny, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("yaml.unmarshal", a, 1));
    auto v = Value::from_yaml(s);
    if (!v.ok()) {
      return builtin_error("yaml.unmarshal: " + v.error().message());
    }
    return *v;
  });
  r.add("yaml.is_valid", {kString}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    return Value::boolean(a[0].is_string() && Value::from_yaml(a[0].as_string()).ok());
  });
}

}  // namespace dts::rego
