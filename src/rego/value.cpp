#include "rego/value.hpp"

#include <functional>

namespace dts::rego {
namespace {

const Value kEmptyArrayValue = Value::array({});
const Value kEmptyObjectValue = Value::object({});
const Value kEmptySetValue = Value::set({});

template <typename It, typename Cmp>
int compare_ranges(It a, It a_end, It b, It b_end, Cmp cmp) {
  for (; a != a_end && b != b_end; ++a, ++b) {
    if (int c = cmp(*a, *b); c != 0) {
      return c;
    }
  }
  if (a == a_end && b == b_end) {
    return 0;
  }
  return a == a_end ? -1 : 1;
}

size_t mix(size_t seed, size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

}  // namespace

Value Value::boolean(bool b) {
  Value v;
  v.rep_ = b;
  return v;
}

Value Value::number(Number n) {
  Value v;
  v.rep_ = std::move(n);
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.rep_ = std::make_shared<const std::string>(std::move(s));
  return v;
}

Value Value::array(Array items) {
  Value v;
  v.rep_ = std::make_shared<const Array>(std::move(items));
  return v;
}

Value Value::object(Object members) {
  Value v;
  v.rep_ = std::make_shared<const Object>(std::move(members));
  return v;
}

Value Value::set(Set members) {
  Value v;
  v.rep_ = std::make_shared<const Set>(std::move(members));
  return v;
}

Value Value::empty_array() { return kEmptyArrayValue; }
Value Value::empty_object() { return kEmptyObjectValue; }
Value Value::empty_set() { return kEmptySetValue; }

std::string_view Value::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
    case Kind::kSet:
      return "set";
  }
  return "unknown";
}

std::string_view Value::type_name() const { return kind_name(kind()); }

const Value* Value::find(const Value& key) const {
  switch (kind()) {
    case Kind::kObject: {
      const auto& obj = as_object();
      auto it = obj.find(key);
      return it == obj.end() ? nullptr : &it->second;
    }
    case Kind::kArray: {
      if (!key.is_number()) {
        return nullptr;
      }
      auto idx = key.as_number().as_int64();
      const auto& arr = as_array();
      if (!idx || *idx < 0 || static_cast<uint64_t>(*idx) >= arr.size()) {
        return nullptr;
      }
      return &arr[static_cast<size_t>(*idx)];
    }
    case Kind::kSet: {
      const auto& set = as_set();
      auto it = set.find(key);
      return it == set.end() ? nullptr : &*it;
    }
    default:
      return nullptr;
  }
}

size_t Value::size() const {
  switch (kind()) {
    case Kind::kArray:
      return as_array().size();
    case Kind::kObject:
      return as_object().size();
    case Kind::kSet:
      return as_set().size();
    default:
      return 0;
  }
}

int Value::compare_slow(const Value& other) const {
  if (kind() != other.kind()) {
    return kind() < other.kind() ? -1 : 1;
  }
  switch (kind()) {
    case Kind::kNull:
      return 0;
    case Kind::kBool:
      return static_cast<int>(as_bool()) - static_cast<int>(other.as_bool());
    case Kind::kNumber:
      return as_number().compare(other.as_number());
    case Kind::kString:
      return compare_strings(as_string(), other.as_string());
    case Kind::kArray: {
      const auto& a = as_array();
      const auto& b = other.as_array();
      if (&a == &b) return 0;
      return compare_ranges(a.begin(), a.end(), b.begin(), b.end(),
                            [](const Value& x, const Value& y) { return x.compare(y); });
    }
    case Kind::kObject: {
      const auto& a = as_object();
      const auto& b = other.as_object();
      if (&a == &b) return 0;
      return compare_ranges(a.begin(), a.end(), b.begin(), b.end(),
                            [](const auto& x, const auto& y) {
                              int c = x.first.compare(y.first);
                              return c != 0 ? c : x.second.compare(y.second);
                            });
    }
    case Kind::kSet: {
      const auto& a = as_set();
      const auto& b = other.as_set();
      if (&a == &b) return 0;
      return compare_ranges(a.begin(), a.end(), b.begin(), b.end(),
                            [](const Value& x, const Value& y) { return x.compare(y); });
    }
  }
  return 0;
}

size_t Value::hash() const {
  size_t h = static_cast<size_t>(kind());
  switch (kind()) {
    case Kind::kNull:
      return h;
    case Kind::kBool:
      return mix(h, as_bool() ? 1 : 2);
    case Kind::kNumber:
      return mix(h, as_number().hash());
    case Kind::kString:
      return mix(h, std::hash<std::string>()(as_string()));
    case Kind::kArray:
      for (const auto& v : as_array()) h = mix(h, v.hash());
      return h;
    case Kind::kObject:
      for (const auto& [k, v] : as_object()) h = mix(mix(h, k.hash()), v.hash());
      return h;
    case Kind::kSet:
      for (const auto& v : as_set()) h = mix(h, v.hash());
      return h;
  }
  return h;
}

}  // namespace dts::rego
