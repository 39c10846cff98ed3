// io.jwt.* builtins: Rego value conversion around src/jwt's rego_support (the JOSE logic
// and OPA's verification rules live there).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jwt/rego_support.hpp"
#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kArray;
using types::kBool;
using types::kObject;
using types::kString;
using Args = std::span<const Value>;

Result<boost::json::object> to_boost(std::string_view fn, const Value& v) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(v.to_json(), ec);
  if (ec || !parsed.is_object()) {
    return builtin_error(std::string(fn) + ": expected a JSON object");
  }
  return std::move(parsed.as_object());
}

Result<Value> from_boost(std::string_view fn, const boost::json::object& o) {
  auto v = Value::from_json(boost::json::serialize(o));
  if (!v.ok()) {
    return builtin_error(std::string(fn) + ": " + v.error().message());
  }
  return *v;
}

Result<Value> decode(Args a) {
  const char* fn = "io.jwt.decode";
  DTS_ASSIGN_OR_RETURN(std::string_view token, arg_string(fn, a, 1));
  auto d = jwt::rego_decode(token);
  if (!d.ok()) {
    return builtin_error(std::string(fn) + ": " + d.error().message());
  }
  DTS_ASSIGN_OR_RETURN(Value header, from_boost(fn, d->header));
  DTS_ASSIGN_OR_RETURN(Value payload, from_boost(fn, d->payload));
  return Value::array({header, payload, str(d->signature_hex)});
}

Result<Value> decode_verify(Args a, BuiltinContext& ctx) {
  const char* fn = "io.jwt.decode_verify";
  DTS_ASSIGN_OR_RETURN(std::string_view token, arg_string(fn, a, 1));
  if (!a[1].is_object()) {
    return operand_error(fn, 2, "object", a[1]);
  }
  DTS_ASSIGN_OR_RETURN(boost::json::object constraints, to_boost(fn, a[1]));
  auto r = jwt::rego_decode_verify(token, constraints, ctx.now_ns());
  if (!r.ok()) {
    return builtin_error(std::string(fn) + ": " + r.error().message());
  }
  DTS_ASSIGN_OR_RETURN(Value header, from_boost(fn, r->header));
  DTS_ASSIGN_OR_RETURN(Value payload, from_boost(fn, r->payload));
  return Value::array({Value::boolean(r->valid), header, payload});
}

void add_verify(Registry& r, std::string name, jwt::Alg alg) {
  r.add(name, {kString, kString}, kBool, [name, alg](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view token, arg_string(name, a, 1));
    DTS_ASSIGN_OR_RETURN(std::string_view key, arg_string(name, a, 2));
    auto ok = jwt::rego_verify(alg, token, key);
    if (!ok.ok()) {
      return builtin_error(name + ": " + ok.error().message());
    }
    return Value::boolean(*ok);
  });
}

}  // namespace

void register_jwt(Registry& r) {
  r.add("io.jwt.decode", {kString}, kArray, [](Args a, BuiltinContext&) { return decode(a); });
  r.add("io.jwt.decode_verify", {kString, kObject}, kArray,
        [](Args a, BuiltinContext& ctx) { return decode_verify(a, ctx); });
  for (jwt::Alg alg : jwt::kAllAlgs) {
    std::string lower;
    for (char c : jwt::alg_name(alg)) {
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    add_verify(r, "io.jwt.verify_" + lower, alg);
  }
  r.add("io.jwt.encode_sign", {kObject, kObject, kObject}, kString,
        [](Args a, BuiltinContext&) -> Result<Value> {
          const char* fn = "io.jwt.encode_sign";
          for (int i = 1; i <= 3; ++i) {
            if (!a[static_cast<size_t>(i - 1)].is_object()) {
              return operand_error(fn, i, "object", a[static_cast<size_t>(i - 1)]);
            }
          }
          DTS_ASSIGN_OR_RETURN(auto header, to_boost(fn, a[0]));
          DTS_ASSIGN_OR_RETURN(auto payload, to_boost(fn, a[1]));
          DTS_ASSIGN_OR_RETURN(auto key, to_boost(fn, a[2]));
          auto token = jwt::rego_encode_sign(header, payload, key);
          if (!token.ok()) {
            return builtin_error(std::string(fn) + ": " + token.error().message());
          }
          return str(*token);
        });
  r.add("io.jwt.encode_sign_raw", {kString, kString, kString}, kString,
        [](Args a, BuiltinContext&) -> Result<Value> {
          const char* fn = "io.jwt.encode_sign_raw";
          DTS_ASSIGN_OR_RETURN(std::string_view h, arg_string(fn, a, 1));
          DTS_ASSIGN_OR_RETURN(std::string_view p, arg_string(fn, a, 2));
          DTS_ASSIGN_OR_RETURN(std::string_view k, arg_string(fn, a, 3));
          auto token = jwt::rego_encode_sign_raw(h, p, k);
          if (!token.ok()) {
            return builtin_error(std::string(fn) + ": " + token.error().message());
          }
          return str(*token);
        });
}

}  // namespace dts::rego
