#include "identity/attributes.hpp"

#include <array>

#include "identity/faults.hpp"
#include "identity/username.hpp"

namespace dts::identity {
namespace {

constexpr std::array<std::string_view, 19> kStandard = {
    "address",     "birthdate", "email",       "email_verified", "family_name",
    "gender",      "given_name", "locale",     "middle_name",    "name",
    "nickname",    "phone_number", "phone_number_verified", "picture", "preferred_username",
    "profile",     "updated_at", "website",    "zoneinfo"};

constexpr std::array<std::string_view, 3> kAdminOnly = {"custom:tenant_id", "email_verified",
                                                       "phone_number_verified"};

bool valid_custom_name(std::string_view name) {
  if (name.rfind("custom:", 0) != 0) return false;
  std::string_view rest = name.substr(7);
  if (rest.empty() || rest.size() > 20) return false;
  for (char c : rest) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_standard(std::string_view name) {
  for (auto s : kStandard) {
    if (s == name) return true;
  }
  return false;
}

Error bad(std::string message) { return fault(kInvalidParameter, message); }

}  // namespace

Status check_attribute(std::string_view name, std::string_view value, Writer writer) {
  if (name == "sub") return bad("Cannot modify the non-mutable attribute sub.");
  if (!is_standard(name) && !valid_custom_name(name)) {
    std::string shown(name.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return bad("Attribute does not exist in the schema: " + shown);
  }
  if (writer == Writer::kSelf) {
    for (auto a : kAdminOnly) {
      if (a == name) {
        return fault(kNotAuthorized, "A client attempted to write unauthorized attribute");
      }
    }
  }
  DTS_TRY(check_text(name, value, kMaxAttributeValue));
  if (name == "email") {
    size_t at = value.find('@');
    if (value.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= value.size() ||
        value.find('@', at + 1) != std::string_view::npos ||
        value.find(' ') != std::string_view::npos) {
      return bad("Invalid email address format.");
    }
  }
  if ((name == "email_verified" || name == "phone_number_verified") && value != "true" &&
      value != "false") {
    return bad(std::string(name) + " must be true or false.");
  }
  return ok_status();
}

Result<Attributes> parse_attribute_list(const boost::json::array* list, std::string_view field,
                                        Writer writer) {
  Attributes out;
  if (list == nullptr) return out;
  if (list->size() > kMaxAttributes) {
    return bad("1 validation error detected: Value at '" + std::string(field) +
               "' failed to satisfy constraint: Member must have length less than or equal to 50");
  }
  for (const auto& item : *list) {
    if (!item.is_object()) return bad(std::string(field) + " entries must be objects");
    const auto& o = item.get_object();
    const auto* n = o.if_contains("Name");
    const auto* v = o.if_contains("Value");
    if (n == nullptr || !n->is_string() || n->get_string().empty() || n->get_string().size() > 32) {
      return bad(std::string(field) + ".Name must be a string of 1 to 32 characters");
    }
    std::string value = v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    if (v != nullptr && !v->is_string() && !v->is_null()) {
      return bad(std::string(field) + ".Value must be a string");
    }
    std::string name(n->get_string());
    DTS_TRY(check_attribute(name, value, writer));
    if (out.count(name) != 0) return bad("Duplicate attribute " + name);
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

boost::json::array render_attributes(const User& user) {
  boost::json::array a;
  a.push_back(boost::json::object{{"Name", "sub"}, {"Value", user.id}});
  for (const auto& [k, v] : user.attributes) {
    a.push_back(boost::json::object{{"Name", k}, {"Value", v}});
  }
  return a;
}

std::string mask_email(std::string_view email) {
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string_view domain = email.substr(at + 1);
  size_t dot = domain.rfind('.');
  std::string out;
  out.push_back(email[0]);
  out += "***@";
  if (!domain.empty()) out.push_back(domain[0]);
  out += "***";
  if (dot != std::string_view::npos) out += std::string(domain.substr(dot));
  return out;
}

}  // namespace dts::identity
