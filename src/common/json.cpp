#include "common/json.hpp"

#include <boost/json/serialize.hpp>

#include "common/detail/json_parser.hpp"

namespace dts::json {
namespace {

using detail::quote_key;

Error field_error(std::string_view key, std::string_view what) {
  return invalid_argument("field " + quote_key(key) + " " + std::string(what));
}

// The value at `key`, or nullptr when absent or null (and an error if that is required).
Result<const boost::json::value*> find_field(const boost::json::object& object,
                                             std::string_view key, bool required) {
  const boost::json::value* v = object.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return field_error(key, "is required");
    }
    return static_cast<const boost::json::value*>(nullptr);
  }
  return v;
}

Error wrong_kind(std::string_view key, std::string_view want, const boost::json::value& v) {
  return field_error(key, "must be " + std::string(want) + ", got " + std::string(kind_name(v)));
}

}  // namespace

Result<boost::json::value> parse_strict(std::string_view text, const Limits& limits) {
  return detail::parse(text, limits);
}

Result<boost::json::object> parse_object(std::string_view text, const Limits& limits) {
  auto v = parse_strict(text, limits);
  if (!v.ok()) {
    return std::move(v).error();
  }
  if (!v->is_object()) {
    return invalid_argument("request body must be a JSON object, got " +
                            std::string(kind_name(*v)));
  }
  return std::move(v->get_object());
}

std::string to_string(const boost::json::value& value) { return boost::json::serialize(value); }

std::string_view kind_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object:
      return "object";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::null:
      return "null";
    default:
      return "number";
  }
}

Result<std::string> get_string(const boost::json::object& object, std::string_view key,
                               bool required, std::string_view fallback) {
  DTS_ASSIGN_OR_RETURN(const boost::json::value* v, find_field(object, key, required));
  if (v == nullptr) {
    return std::string(fallback);
  }
  if (!v->is_string()) {
    return wrong_kind(key, "a string", *v);
  }
  return std::string(v->get_string());
}

Result<int64_t> get_int64(const boost::json::object& object, std::string_view key, bool required,
                          int64_t fallback) {
  DTS_ASSIGN_OR_RETURN(const boost::json::value* v, find_field(object, key, required));
  if (v == nullptr) {
    return fallback;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    return field_error(key, "is out of range for a 64-bit integer");
  }
  if (v->is_double()) {
    const double d = v->get_double();
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
        d == static_cast<double>(static_cast<int64_t>(d))) {
      return static_cast<int64_t>(d);
    }
    return field_error(key, "must be an integer, got " + boost::json::serialize(*v));
  }
  return wrong_kind(key, "an integer", *v);
}

Result<bool> get_bool(const boost::json::object& object, std::string_view key, bool required,
                      bool fallback) {
  DTS_ASSIGN_OR_RETURN(const boost::json::value* v, find_field(object, key, required));
  if (v == nullptr) {
    return fallback;
  }
  if (!v->is_bool()) {
    return wrong_kind(key, "a boolean", *v);
  }
  return v->get_bool();
}

Result<const boost::json::object*> get_object(const boost::json::object& object,
                                              std::string_view key, bool required) {
  DTS_ASSIGN_OR_RETURN(const boost::json::value* v, find_field(object, key, required));
  if (v == nullptr) {
    return static_cast<const boost::json::object*>(nullptr);
  }
  if (!v->is_object()) {
    return wrong_kind(key, "an object", *v);
  }
  return &v->get_object();
}

Result<const boost::json::array*> get_array(const boost::json::object& object, std::string_view key,
                                            bool required) {
  DTS_ASSIGN_OR_RETURN(const boost::json::value* v, find_field(object, key, required));
  if (v == nullptr) {
    return static_cast<const boost::json::array*>(nullptr);
  }
  if (!v->is_array()) {
    return wrong_kind(key, "an array", *v);
  }
  return &v->get_array();
}

Status reject_unknown_fields(const boost::json::object& object,
                             std::initializer_list<std::string_view> allowed) {
  for (const auto& member : object) {
    bool known = false;
    for (std::string_view a : allowed) {
      if (member.key() == a) {
        known = true;
        break;
      }
    }
    if (!known) {
      return invalid_argument("unknown field " + quote_key(member.key()));
    }
  }
  return ok_status();
}

}  // namespace dts::json
