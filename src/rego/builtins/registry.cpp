#include "rego/builtins/registry.hpp"

namespace dts::rego {

// ---- the builtin families: add one line per family ----
void register_operators(Registry& r);  // builtins/operators.cpp: ==, <, +, |, & ...
void register_core(Registry& r);       // builtins/core.cpp: count, print, internal.member
void register_aggregates(Registry& r);  // builtins/aggregates.cpp: sum, max, sort ...
void register_types(Registry& r);       // builtins/types.cpp: is_*, type_name
void register_strings(Registry& r);     // builtins/strings.cpp: concat, split, trim ...
void register_sprintf(Registry& r);     // builtins/sprintf.cpp: sprintf
void register_conversions(Registry& r);  // builtins/conversions.cpp: format_int, to_number
void register_objects(Registry& r);     // builtins/objects.cpp: array.*, object.*, union ...
void register_json_ops(Registry& r);    // builtins/json_ops.cpp: json.filter/remove/patch
void register_regex(Registry& r);       // builtins/regex.cpp, glob.cpp: regex.*, glob.*
void register_encoding(Registry& r);    // builtins/encoding.cpp: base64*, hex, urlquery
void register_json_yaml(Registry& r);   // builtins/json_yaml.cpp: json.marshal*, yaml.*
void register_time(Registry& r);        // builtins/time.cpp: time.*
void register_crypto(Registry& r);      // builtins/crypto.cpp: crypto.* digests, HMAC
void register_jwt(Registry& r);         // builtins/jwt.cpp: io.jwt.*
void register_net(Registry& r);         // builtins/net.cpp: net.cidr_*
void register_misc(Registry& r);        // builtins/misc.cpp: units, semver, uuid, walk
void register_graph(Registry& r);       // builtins/graph.cpp: graph.reachable*
void register_template(Registry& r);    // builtins/template.cpp: strings.render_template
void register_globs_match(Registry& r);  // builtins/globs_match.cpp: regex.globs_match

namespace {

using RegisterFn = void (*)(Registry&);
constexpr RegisterFn kFamilies[] = {
    register_operators,
    register_core,
    register_aggregates,
    register_types,
    register_strings,
    register_sprintf,
    register_conversions,
    register_objects,
    register_json_ops,
    register_regex,
    register_encoding,
    register_json_yaml,
    register_time,
    register_crypto,
    register_jwt,
    register_net,
    register_misc,
    register_graph,
    register_template,
    register_globs_match,
};

// Error codes that carry the builtin error kinds through Result<Value>.
constexpr Code kTypeErrorCode = Code::kInvalidArgument;
constexpr Code kBuiltinErrorCode = Code::kUnprocessable;
constexpr Code kUndefinedCode = Code::kNotFound;
constexpr Code kCancelledCode = Code::kDeadlineExceeded;

}  // namespace

void Registry::add(BuiltinDecl decl, BuiltinFn fn) {
  std::string name = decl.name;
  builtins_.insert_or_assign(std::move(name), Builtin{std::move(decl), std::move(fn)});
}

void Registry::add(std::string name, std::vector<uint16_t> args, uint16_t result, BuiltinFn fn) {
  BuiltinDecl decl;
  decl.name = std::move(name);
  decl.args = std::move(args);
  decl.result = result;
  add(std::move(decl), std::move(fn));
}

const Builtin* Registry::find(std::string_view name) const {
  auto it = builtins_.find(name);
  return it == builtins_.end() ? nullptr : &it->second;
}

const Registry& Registry::defaults() {
  static const Registry registry = [] {
    Registry r;
    for (auto family : kFamilies) {
      family(r);
    }
    return r;
  }();
  return registry;
}

Error type_error(std::string message) { return {kTypeErrorCode, std::move(message)}; }

Error operand_error(std::string_view fn, int index, std::string_view expected, const Value& got) {
  return type_error(std::string(fn) + ": operand " + std::to_string(index) + " must be " +
                    std::string(expected) + " but got " + std::string(got.type_name()));
}

Error builtin_error(std::string message) { return {kBuiltinErrorCode, std::move(message)}; }
Error undefined_result() { return {kUndefinedCode, "undefined"}; }
Error cancelled_error() { return {kCancelledCode, "evaluation cancelled"}; }

BuiltinErrorKind classify(const Error& error) {
  switch (error.code()) {
    case kTypeErrorCode:
      return BuiltinErrorKind::kTypeError;
    case kBuiltinErrorCode:
      return BuiltinErrorKind::kBuiltinError;
    case kUndefinedCode:
      return BuiltinErrorKind::kUndefined;
    case kCancelledCode:
      return BuiltinErrorKind::kCancelled;
    default:
      return BuiltinErrorKind::kOther;
  }
}

Result<std::string_view> arg_string(std::string_view fn, std::span<const Value> args, int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (!v.is_string()) {
    return operand_error(fn, index, "string", v);
  }
  return std::string_view(v.as_string());
}

Result<Number> arg_number(std::string_view fn, std::span<const Value> args, int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (!v.is_number()) {
    return operand_error(fn, index, "number", v);
  }
  return v.as_number();
}

Result<int64_t> arg_int(std::string_view fn, std::span<const Value> args, int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (!v.is_number()) {
    return operand_error(fn, index, "number", v);
  }
  auto i = v.as_number().as_int64();
  if (!i) {
    return operand_error(fn, index, "integer", v);
  }
  return *i;
}

Result<bool> arg_bool(std::string_view fn, std::span<const Value> args, int index) {
  const Value& v = args[static_cast<size_t>(index - 1)];
  if (!v.is_bool()) {
    return operand_error(fn, index, "boolean", v);
  }
  return v.as_bool();
}

}  // namespace dts::rego
