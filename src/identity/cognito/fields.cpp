#include "identity/attributes.hpp"
#include "identity/cognito/action.hpp"
#include "identity/faults.hpp"
#include "jwt/base64.hpp"

namespace dts::identity::cognito {
namespace {

Error validation(std::string_view name, std::string_view constraint) {
  return fault(kInvalidParameter, "1 validation error detected: Value at '" + std::string(name) +
                                      "' failed to satisfy constraint: " + std::string(constraint));
}

Error wrong_type(std::string_view name, std::string_view type) {
  return fault(kSerialization, "Field " + std::string(name) + " must be " + std::string(type));
}

}  // namespace

Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                   std::string_view name, size_t max_bytes) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(name, "a string");
  if (v->get_string().size() > max_bytes) {
    return validation(name, "Member must have length less than or equal to " + std::to_string(max_bytes));
  }
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::string> required_string(const boost::json::object& body, std::string_view name,
                                    size_t max_bytes) {
  DTS_ASSIGN_OR_RETURN(auto v, optional_string(body, name, max_bytes));
  if (!v) return validation(name, "Member must not be null");
  if (v->empty()) return validation(name, "Member must have length greater than or equal to 1");
  return std::move(*v);
}

Result<std::optional<int64_t>> optional_int(const boost::json::object& body, std::string_view name,
                                            int64_t min, int64_t max) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->get_uint64());
  } else {
    return wrong_type(name, "an integer");
  }
  if (n < min) return validation(name, "Member must have value greater than or equal to " + std::to_string(min));
  if (n > max) return validation(name, "Member must have value less than or equal to " + std::to_string(max));
  return std::optional<int64_t>(n);
}

Result<std::map<std::string, std::string, std::less<>>> string_map(const boost::json::object& body,
                                                                   std::string_view name,
                                                                   size_t max_entries,
                                                                   size_t max_value_bytes) {
  std::map<std::string, std::string, std::less<>> out;
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return wrong_type(name, "an object");
  if (v->get_object().size() > max_entries) {
    return validation(name, "Member must have at most " + std::to_string(max_entries) + " entries");
  }
  for (const auto& [k, value] : v->get_object()) {
    if (!value.is_string()) return wrong_type(std::string(name) + "." + std::string(k), "a string");
    if (k.size() > 256 || value.get_string().size() > max_value_bytes) {
      return validation(name, "Member values must have length less than or equal to " +
                                  std::to_string(max_value_bytes));
    }
    out.emplace(std::string(k), std::string(value.get_string()));
  }
  return out;
}

Result<const boost::json::array*> optional_array(const boost::json::object& body,
                                                 std::string_view name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return static_cast<const boost::json::array*>(nullptr);
  if (!v->is_array()) return wrong_type(name, "a list");
  return &v->get_array();
}

std::string page_token(std::string_view last_key) { return jwt::base64url_encode(last_key); }

Result<std::string> read_page_token(const std::optional<std::string>& token) {
  if (!token) return std::string();
  auto decoded = jwt::base64url_decode(*token);
  if (!decoded.ok() || decoded->empty()) {
    return fault(kInvalidParameter, "Invalid pagination token.");
  }
  return std::move(*decoded);
}

boost::json::object render_user_type(const User& user) {
  return {{"Username", user.username},
          {"Attributes", render_attributes(user)},
          {"UserCreateDate", user.created_at},
          {"UserLastModifiedDate", user.updated_at},
          {"Enabled", user.enabled},
          {"UserStatus", status_name(user.status)}};
}

boost::json::object render_group(const Group& g) {
  boost::json::object o{{"GroupName", g.name},
                        {"UserPoolId", g.pool_id},
                        {"Description", g.description},
                        {"LastModifiedDate", g.updated_at},
                        {"CreationDate", g.created_at}};
  if (g.precedence) o["Precedence"] = *g.precedence;
  if (g.role_arn) o["RoleArn"] = *g.role_arn;
  return o;
}

boost::json::object render_delivery(const CodeDelivery& d) {
  return {{"Destination", d.destination},
          {"DeliveryMedium", d.medium},
          {"AttributeName", d.attribute}};
}

boost::json::object render_tokens(const IssuedTokens& t) {
  boost::json::object o{{"AccessToken", t.access_token},
                        {"ExpiresIn", t.expires_in},
                        {"TokenType", t.token_type},
                        {"IdToken", t.id_token}};
  if (!t.refresh_token.empty()) o["RefreshToken"] = t.refresh_token;
  return o;
}

}  // namespace dts::identity::cognito
