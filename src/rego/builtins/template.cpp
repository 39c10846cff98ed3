// strings.render_template: the field-substitution subset of Go's text/template that OPA
// policies use ({{.name}}, {{ .a.b }}, trim markers {{- -}}), with missingkey=error.
// Other actions (range, if, pipelines) are reported as errors rather than misrendered.
#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/builtins/strings_util.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using Args = std::span<const Value>;

// How Go's fmt prints the interface{} values OPA hands to the template engine.
std::string go_print(const Value& v) {
  switch (v.kind()) {
    case Kind::kNull:
      return "<nil>";
    case Kind::kString:
      return v.as_string();
    case Kind::kArray:
    case Kind::kSet: {
      std::vector<Value> items =
          v.is_array() ? v.as_array() : std::vector<Value>(v.as_set().begin(), v.as_set().end());
      std::string out = "[";
      for (size_t i = 0; i < items.size(); ++i) {
        out += (i > 0 ? " " : "") + go_print(items[i]);
      }
      return out + "]";
    }
    case Kind::kObject: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, m] : v.as_object()) {
        out += (first ? "" : " ") + go_print(k) + ":" + go_print(m);
        first = false;
      }
      return out + "]";
    }
    default:
      return v.to_json();
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Result<Value> render(Args a) {
  const char* fn = "strings.render_template";
  DTS_ASSIGN_OR_RETURN(std::string_view tmpl, arg_string(fn, a, 1));
  if (!a[1].is_object()) {
    return operand_error(fn, 2, "object", a[1]);
  }
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find("{{", i);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return builtin_error(std::string(fn) + ": template: unclosed action");
    }
    std::string_view action = tmpl.substr(open + 2, close - open - 2);
    // "{{- " trims the preceding space, " -}}" the following space.
    if (action.size() >= 2 && action[0] == '-' && is_space(action[1])) {
      while (!out.empty() && is_space(out.back())) {
        out.pop_back();
      }
      action.remove_prefix(1);
    }
    bool trim_after = false;
    if (action.size() >= 2 && action.back() == '-' && is_space(action[action.size() - 2])) {
      trim_after = true;
      action.remove_suffix(1);
    }
    std::string expr = builtins::trim_space(action);
    i = close + 2;
    if (trim_after) {
      while (i < tmpl.size() && is_space(tmpl[i])) {
        ++i;
      }
    }
    if (expr.empty() || expr[0] != '.') {
      return builtin_error(std::string(fn) + ": unsupported template action {{" + expr + "}}");
    }
    const Value* cur = &a[1];
    size_t pos = 1;
    while (pos < expr.size()) {
      size_t dot = expr.find('.', pos);
      std::string key = expr.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      const Value* next = cur->is_object() ? cur->find(str(key)) : nullptr;
      if (next == nullptr) {
        return builtin_error(std::string(fn) + ": template: executing at <" + expr +
                             ">: map has no entry for key \"" + key + "\"");
      }
      cur = next;
      pos = dot == std::string::npos ? expr.size() : dot + 1;
    }
    out += go_print(*cur);
  }
  return str(std::move(out));
}

}  // namespace

void register_template(Registry& r) {
  r.add("strings.render_template", {types::kString, types::kObject}, types::kString,
        [](Args a, BuiltinContext&) { return render(a); });
}

}  // namespace dts::rego
