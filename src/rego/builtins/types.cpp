// Type-testing builtins: is_<type> and type_name.
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

void add_is(Registry& r, const char* name, Kind kind) {
  r.add(name, {types::kAny}, types::kBool,
        [kind](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          // OPA returns false (not undefined) for other types.
          return Value::boolean(a[0].kind() == kind);
        });
}

// Deprecated cast_<type> builtins (OPA v0): identity on the named type, with arrays and
// sets convertible into each other.
void add_cast(Registry& r, const char* name, Kind kind, const char* expected) {
  r.add(name, {types::kAny}, types::kAny,
        [name, kind, expected](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          const Value& v = a[0];
          if (kind == Kind::kArray && v.is_set()) {
            return Value::array(Array(v.as_set().begin(), v.as_set().end()));
          }
          if (kind == Kind::kSet && v.is_array()) {
            return Value::set(Set(v.as_array().begin(), v.as_array().end()));
          }
          if (v.kind() != kind) {
            return operand_error(name, 1, expected, v);
          }
          return v;
        });
}

}  // namespace

void register_types(Registry& r) {
  add_is(r, "is_number", Kind::kNumber);
  add_is(r, "is_string", Kind::kString);
  add_is(r, "is_boolean", Kind::kBool);
  add_is(r, "is_array", Kind::kArray);
  add_is(r, "is_set", Kind::kSet);
  add_is(r, "is_object", Kind::kObject);
  add_is(r, "is_null", Kind::kNull);
  add_cast(r, "cast_array", Kind::kArray, "one of {array, set}");
  add_cast(r, "cast_set", Kind::kSet, "one of {array, set}");
  add_cast(r, "cast_string", Kind::kString, "string");
  add_cast(r, "cast_boolean", Kind::kBool, "boolean");
  add_cast(r, "cast_null", Kind::kNull, "null");
  add_cast(r, "cast_object", Kind::kObject, "object");
  r.add("set_diff", {types::kSet, types::kSet}, types::kSet,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          if (!a[0].is_set()) return operand_error("set_diff", 1, "set", a[0]);
          if (!a[1].is_set()) return operand_error("set_diff", 2, "set", a[1]);
          Set out;
          for (const auto& v : a[0].as_set()) {
            if (!a[1].as_set().contains(v)) out.insert(v);
          }
          return Value::set(std::move(out));
        });
  r.add("type_name", {types::kAny}, types::kString,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          return Value::string(std::string(a[0].type_name()));
        });
}

}  // namespace dts::rego
