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

}  // namespace

void register_types(Registry& r) {
  add_is(r, "is_number", Kind::kNumber);
  add_is(r, "is_string", Kind::kString);
  add_is(r, "is_boolean", Kind::kBool);
  add_is(r, "is_array", Kind::kArray);
  add_is(r, "is_set", Kind::kSet);
  add_is(r, "is_object", Kind::kObject);
  add_is(r, "is_null", Kind::kNull);
  r.add("type_name", {types::kAny}, types::kString,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          return Value::string(std::string(a[0].type_name()));
        });
}

}  // namespace dts::rego
