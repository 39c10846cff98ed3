// Array, set and object builtins: array.*, intersection, union, object.*.
#include <algorithm>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::arg_elements;
using builtins::arg_object;
using builtins::element_error;
using types::kAny;
using types::kArray;
using types::kBool;
using types::kNumber;
using types::kObject;
using types::kSet;
using Args = std::span<const Value>;

Result<const Array*> arg_array(std::string_view fn, Args a, int index) {
  const Value& v = a[static_cast<size_t>(index - 1)];
  if (!v.is_array()) {
    return operand_error(fn, index, "array", v);
  }
  return &v.as_array();
}

Result<Value> array_slice(Args a) {
  DTS_ASSIGN_OR_RETURN(const Array* arr, arg_array("array.slice", a, 1));
  DTS_ASSIGN_OR_RETURN(int64_t start, arg_int("array.slice", a, 2));
  DTS_ASSIGN_OR_RETURN(int64_t stop, arg_int("array.slice", a, 3));
  auto n = static_cast<int64_t>(arr->size());
  start = std::clamp<int64_t>(start, 0, n);
  stop = std::clamp<int64_t>(stop, 0, n);
  if (start >= stop) {
    return Value::empty_array();
  }
  return Value::array(Array(arr->begin() + start, arr->begin() + stop));
}

// The sets inside a set operand (intersection/union take a set of sets).
Result<std::vector<const Set*>> arg_set_of_sets(std::string_view fn, Args a) {
  if (!a[0].is_set()) {
    return operand_error(fn, 1, "set", a[0]);
  }
  std::vector<const Set*> out;
  for (const auto& s : a[0].as_set()) {
    if (!s.is_set()) {
      return element_error(fn, 1, a[0], "set", s);
    }
    out.push_back(&s.as_set());
  }
  return out;
}

// Keys given as an array, set or object (its keys), as object.remove/filter accept.
Result<Set> arg_keys(std::string_view fn, Args a, int index) {
  const Value& v = a[static_cast<size_t>(index - 1)];
  Set keys;
  if (v.is_array()) {
    keys.insert(v.as_array().begin(), v.as_array().end());
  } else if (v.is_set()) {
    keys = v.as_set();
  } else if (v.is_object()) {
    for (const auto& [k, _] : v.as_object()) {
      keys.insert(k);
    }
  } else {
    return operand_error(fn, index, "one of {array, object, set}", v);
  }
  return keys;
}

Value merge(const Value& a, const Value& b) {
  if (!a.is_object() || !b.is_object()) {
    return b;
  }
  Object out = a.as_object();
  for (const auto& [k, v] : b.as_object()) {
    auto it = out.find(k);
    if (it == out.end()) {
      out.emplace(k, v);
    } else {
      it->second = merge(it->second, v);
    }
  }
  return Value::object(std::move(out));
}

bool array_subset(const Array& super, const Array& sub) {
  if (sub.empty()) {
    return true;
  }
  // A contiguous run of `super` must equal `sub`.
  for (size_t i = 0; i + sub.size() <= super.size(); ++i) {
    if (std::equal(sub.begin(), sub.end(), super.begin() + static_cast<std::ptrdiff_t>(i))) {
      return true;
    }
  }
  return false;
}

bool is_subset(const Value& super, const Value& sub) {
  if (super.is_object() && sub.is_object()) {
    for (const auto& [k, v] : sub.as_object()) {
      const Value* sv = super.find(k);
      if (sv == nullptr) {
        return false;
      }
      bool nested = (sv->is_object() && v.is_object()) || (sv->is_set() && v.is_set());
      if (nested ? !is_subset(*sv, v) : !(*sv == v)) {
        return false;
      }
    }
    return true;
  }
  if (super.is_set() && sub.is_set()) {
    return std::all_of(sub.as_set().begin(), sub.as_set().end(),
                       [&](const Value& e) { return super.as_set().contains(e); });
  }
  if (super.is_array() && sub.is_array()) {
    return array_subset(super.as_array(), sub.as_array());
  }
  if (super.is_array() && sub.is_set()) {
    return std::all_of(sub.as_set().begin(), sub.as_set().end(), [&](const Value& e) {
      return std::find(super.as_array().begin(), super.as_array().end(), e) !=
             super.as_array().end();
    });
  }
  return false;
}

Result<Value> object_get(Args a) {
  DTS_ASSIGN_OR_RETURN(const Object* obj, arg_object("object.get", a, 1));
  if (a[1].is_array()) {
    const Value* cur = &a[0];
    for (const auto& seg : a[1].as_array()) {
      cur = cur->find(seg);
      if (cur == nullptr) {
        return a[2];
      }
    }
    return *cur;
  }
  auto it = obj->find(a[1]);
  return it == obj->end() ? a[2] : it->second;
}

}  // namespace

void register_objects(Registry& r) {
  r.add("array.concat", {kArray, kArray}, kArray, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(const Array* x, arg_array("array.concat", a, 1));
    DTS_ASSIGN_OR_RETURN(const Array* y, arg_array("array.concat", a, 2));
    Array out = *x;
    out.insert(out.end(), y->begin(), y->end());
    return Value::array(std::move(out));
  });
  r.add("array.slice", {kArray, kNumber, kNumber}, kArray,
        [](Args a, BuiltinContext&) { return array_slice(a); });
  r.add("array.reverse", {kArray}, kArray, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(const Array* x, arg_array("array.reverse", a, 1));
    return Value::array(Array(x->rbegin(), x->rend()));
  });
  r.add("intersection", {kSet}, kSet, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(auto sets, arg_set_of_sets("intersection", a));
    if (sets.empty()) {
      return Value::empty_set();
    }
    Set out = *sets[0];
    for (size_t i = 1; i < sets.size(); ++i) {
      std::erase_if(out, [&](const Value& v) { return !sets[i]->contains(v); });
    }
    return Value::set(std::move(out));
  });
  r.add("union", {kSet}, kSet, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(auto sets, arg_set_of_sets("union", a));
    Set out;
    for (const Set* s : sets) {
      out.insert(s->begin(), s->end());
    }
    return Value::set(std::move(out));
  });
  r.add("object.get", {kObject, kAny, kAny}, kAny,
        [](Args a, BuiltinContext&) { return object_get(a); });
  r.add("object.keys", {kObject}, kSet, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(const Object* obj, arg_object("object.keys", a, 1));
    Set out;
    for (const auto& [k, _] : *obj) {
      out.insert(k);
    }
    return Value::set(std::move(out));
  });
  r.add("object.remove", {kObject, kArray | kSet | kObject}, kObject,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(const Object* obj, arg_object("object.remove", a, 1));
          DTS_ASSIGN_OR_RETURN(Set keys, arg_keys("object.remove", a, 2));
          Object out;
          for (const auto& [k, v] : *obj) {
            if (!keys.contains(k)) {
              out.emplace(k, v);
            }
          }
          return Value::object(std::move(out));
        });
  r.add("object.filter", {kObject, kArray | kSet | kObject}, kObject,
        [](Args a, BuiltinContext&) -> Result<Value> {
          DTS_ASSIGN_OR_RETURN(const Object* obj, arg_object("object.filter", a, 1));
          DTS_ASSIGN_OR_RETURN(Set keys, arg_keys("object.filter", a, 2));
          Object out;
          for (const auto& [k, v] : *obj) {
            if (keys.contains(k)) {
              out.emplace(k, v);
            }
          }
          return Value::object(std::move(out));
        });
  r.add("object.union", {kObject, kObject}, kObject, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_TRY(arg_object("object.union", a, 1));
    DTS_TRY(arg_object("object.union", a, 2));
    return merge(a[0], a[1]);
  });
  r.add("object.union_n", {kArray}, kObject, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(const Array* arr, arg_array("object.union_n", a, 1));
    Value acc = Value::empty_object();
    for (const auto& o : *arr) {
      if (!o.is_object()) {
        return element_error("object.union_n", 1, a[0], "object", o);
      }
      acc = merge(acc, o);
    }
    return acc;
  });
  r.add("object.subset", {kObject | kArray | kSet, kObject | kArray | kSet}, kBool,
        [](Args a, BuiltinContext&) -> Result<Value> {
          const char* expected = "one of {object, array, set}";
          if (!a[0].is_collection()) {
            return operand_error("object.subset", 1, expected, a[0]);
          }
          if (!a[1].is_collection()) {
            return operand_error("object.subset", 2, expected, a[1]);
          }
          bool compatible = a[0].kind() == a[1].kind() || (a[0].is_array() && a[1].is_set());
          if (!compatible) {
            return type_error("object.subset: both arguments must be objects, arrays or sets");
          }
          return Value::boolean(is_subset(a[0], a[1]));
        });
}

}  // namespace dts::rego
