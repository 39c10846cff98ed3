// Core builtins the evaluator itself relies on: count, internal.member_*, print.
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using types::kAny;
using types::kBool;
using types::kCollection;
using types::kNumber;
using types::kString;

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

bool member_of(const Value& needle, const Value& collection) {
  switch (collection.kind()) {
    case Kind::kArray:
      for (const auto& v : collection.as_array()) {
        if (v == needle) return true;
      }
      return false;
    case Kind::kSet:
      return collection.as_set().contains(needle);
    case Kind::kObject:
      for (const auto& [k, v] : collection.as_object()) {
        if (v == needle) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

void register_core(Registry& r) {
  r.add("count", {kCollection | kString}, kNumber,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          if (a[0].is_string()) {
            return Value::number(static_cast<int64_t>(count_code_points(a[0].as_string())));
          }
          if (!a[0].is_collection()) {
            return operand_error("count", 1, "one of {array, object, set, string}", a[0]);
          }
          return Value::number(static_cast<int64_t>(a[0].size()));
        });
  // `x in xs`
  r.add("internal.member_2", {kAny, kAny}, kBool,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          return Value::boolean(member_of(a[0], a[1]));
        });
  // `k, v in xs`: for arrays k is an index, for objects a key.
  r.add("internal.member_3", {kAny, kAny, kAny}, kBool,
        [](std::span<const Value> a, BuiltinContext&) -> Result<Value> {
          const Value* found = a[2].is_set() ? nullptr : a[2].find(a[0]);
          return Value::boolean(found != nullptr && *found == a[1]);
        });
  // print is evaluated by the engine (undefined operands print as <undefined>); this entry
  // only declares it so the compiler knows the name.
  BuiltinDecl print;
  print.name = "print";
  print.variadic = true;
  print.result = kBool;
  r.add(std::move(print), [](std::span<const Value> a, BuiltinContext& ctx) -> Result<Value> {
    std::string line;
    for (size_t i = 0; i < a.size(); ++i) {
      if (i > 0) line.push_back(' ');
      line += a[i].is_string() ? a[i].as_string() : a[i].to_string();
    }
    ctx.print(line);
    return Value::boolean(true);
  });
}

}  // namespace dts::rego
