#include "rego/yaml_value.hpp"

#include <string>

namespace dts::rego {
namespace {

Value resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return Value::null();
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return Value::boolean(true);
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return Value::boolean(false);
  }
  std::string_view text = s;
  if (!text.empty() && text[0] == '+') {
    text.remove_prefix(1);
  }
  bool numeric_start = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                         (text[0] == '-' && text.size() > 1) || text[0] == '.');
  if (numeric_start) {
    if (auto n = Number::parse(text)) {
      return Value::number(*n);
    }
  }
  return Value::string(s);
}

}  // namespace

Result<Value> value_from_yaml_node(const YAML::Node& node, int depth) {
  if (depth > kMaxValueDepth) {
    return invalid_argument("YAML nesting too deep");
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Value::null();
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
        return Value::string(node.Scalar());
      }
      return resolve_plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Array items;
      items.reserve(node.size());
      for (const auto& child : node) {
        DTS_ASSIGN_OR_RETURN(Value v, value_from_yaml_node(child, depth + 1));
        items.push_back(std::move(v));
      }
      return Value::array(std::move(items));
    }
    case YAML::NodeType::Map: {
      Object members;
      for (const auto& kv : node) {
        DTS_ASSIGN_OR_RETURN(Value k, value_from_yaml_node(kv.first, depth + 1));
        DTS_ASSIGN_OR_RETURN(Value v, value_from_yaml_node(kv.second, depth + 1));
        members.insert_or_assign(std::move(k), std::move(v));
      }
      return Value::object(std::move(members));
    }
  }
  return Value::null();
}

Result<Value> Value::from_yaml(std::string_view text) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return value_from_yaml_node(node);
  } catch (const YAML::Exception& e) {
    return invalid_argument(std::string("invalid YAML: ") + e.what());
  }
}

}  // namespace dts::rego
