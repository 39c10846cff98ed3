#pragma once
// Rego values with OPA semantics.
//
// A Value is one of null, boolean, number, string, array, object, set. "Undefined" is not a
// value: APIs that may produce no value return std::optional<Value> (or an empty result set).
// Composite payloads live in shared immutable storage, so copying a Value is a refcount bump;
// build an Array/Object/Set locally, then wrap it with Value::array/object/set.
//
// Ordering is OPA's total order: null < boolean < number < string < array < object < set;
// within a type: false < true, numbers numerically (1 == 1.0), strings bytewise, arrays and
// objects lexicographically (objects by sorted key/value pairs), sets by sorted elements.
// Object keys may be any Value; objects and sets iterate in that sorted order.
//
// Thread-safety: Values are immutable and safe to share across threads.

#include <compare>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"
#include "rego/number.hpp"

namespace dts::rego {

class Value;

// Sorting functor so containers can be declared before Value is complete.
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const;
};

using Array = std::vector<Value>;
using Object = std::map<Value, Value, ValueLess>;
using Set = std::set<Value, ValueLess>;

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject, kSet };

// Parse limits shared by JSON and YAML loaders: nesting beyond this is rejected with an error
// instead of exhausting the stack.
inline constexpr int kMaxValueDepth = 1000;

class Value {
 public:
  Value() = default;  // null
  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value number(Number n);
  static Value number(int64_t n) { return number(Number(n)); }
  static Value string(std::string s);
  static Value array(Array items);
  static Value object(Object members);
  static Value set(Set members);
  static Value empty_array();
  static Value empty_object();
  static Value empty_set();

  Kind kind() const { return static_cast<Kind>(rep_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_set() const { return kind() == Kind::kSet; }
  bool is_true() const { return is_bool() && as_bool(); }
  bool is_false() const { return is_bool() && !as_bool(); }
  // Collections (array, object, set) — the operand kinds of iteration.
  bool is_collection() const { return kind() >= Kind::kArray; }

  // Accessors: calling the wrong one is a broken invariant (aborts via std::get).
  bool as_bool() const { return std::get<bool>(rep_); }
  const Number& as_number() const { return std::get<Number>(rep_); }
  const std::string& as_string() const { return *std::get<StringPtr>(rep_); }
  const Array& as_array() const { return *std::get<ArrayPtr>(rep_); }
  const Object& as_object() const { return *std::get<ObjectPtr>(rep_); }
  const Set& as_set() const { return *std::get<SetPtr>(rep_); }

  // OPA's type names: "null", "boolean", "number", "string", "array", "object", "set".
  std::string_view type_name() const;
  static std::string_view kind_name(Kind kind);

  // Lookup as in a Rego ref `v[key]`: object member, array element (integral number
  // index), set membership (returns the element). nullptr when undefined.
  const Value* find(const Value& key) const;
  // Number of elements for collections, bytes for strings is NOT given here (OPA counts
  // code points; see builtins). 0 for scalars.
  size_t size() const;

  int compare(const Value& other) const {  // <0, 0, >0 in OPA's total order
    // String keys dominate lookups (object members, set elements): compared inline.
    if (rep_.index() == kStringIndex && other.rep_.index() == kStringIndex) {
      return compare_strings(**std::get_if<kStringIndex>(&rep_),
                             **std::get_if<kStringIndex>(&other.rep_));
    }
    return compare_slow(other);
  }
  friend bool operator==(const Value& a, const Value& b) { return a.compare(b) == 0; }
  friend bool operator<(const Value& a, const Value& b) { return a.compare(b) < 0; }
  size_t hash() const;

  // JSON text. Sets become arrays (sorted). Object keys that are not strings are rendered
  // as their JSON text, as OPA does. `pretty` indents with two spaces like `opa eval`.
  std::string to_json(bool pretty = false) const;
  // Rego literal text, as OPA prints terms (print(), sprintf %v): strings quoted, sets as
  // {1, 2} and set() when empty, objects {"a": 1}.
  std::string to_string() const;

  // Parses JSON text (RFC 8259; integers of any size stay exact). Errors: kInvalidArgument
  // with a position, including for nesting deeper than kMaxValueDepth and invalid UTF-8.
  static Result<Value> from_json(std::string_view text);
  // Parses YAML text (one document) with YAML 1.2 core-schema scalars.
  static Result<Value> from_yaml(std::string_view text);

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ArrayPtr = std::shared_ptr<const Array>;
  using ObjectPtr = std::shared_ptr<const Object>;
  using SetPtr = std::shared_ptr<const Set>;
  // Alternative order must match Kind.
  using Rep = std::variant<std::monostate, bool, Number, StringPtr, ArrayPtr, ObjectPtr, SetPtr>;
  static constexpr size_t kStringIndex = 3;
  static int compare_strings(const std::string& a, const std::string& b) {
    if (&a == &b) return 0;  // same shared payload
    size_t n = a.size() < b.size() ? a.size() : b.size();
    // Keys usually differ in their first byte; skip the library call then.
    if (n != 0 && a[0] != b[0]) {
      return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]) ? -1 : 1;
    }
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    if (c != 0) return c < 0 ? -1 : 1;
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
  int compare_slow(const Value& other) const;
  Rep rep_;
};

inline bool ValueLess::operator()(const Value& a, const Value& b) const { return a.compare(b) < 0; }

struct ValueHash {
  size_t operator()(const Value& v) const { return v.hash(); }
};

}  // namespace dts::rego
