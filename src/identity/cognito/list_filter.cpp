#include "identity/cognito/list_filter.hpp"

#include <array>

#include "identity/faults.hpp"
#include "identity/username.hpp"

namespace dts::identity::cognito {
namespace {

constexpr std::array<std::string_view, 10> kFilterable = {
    "username", "email", "phone_number", "name", "given_name", "family_name",
    "preferred_username", "cognito:user_status", "status", "sub"};

Error invalid(std::string_view why) {
  return fault(kInvalidParameter, "Invalid search filter: " + std::string(why));
}

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<UserFilter> parse_list_filter(std::string_view text) {
  UserFilter f;
  text = skip_spaces(text);
  if (text.empty()) return f;
  if (text.size() > 256) return invalid("too long");
  size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '=' && text[end] != '^') ++end;
  std::string attribute(text.substr(0, end));
  bool known = false;
  for (auto a : kFilterable) known |= a == attribute;
  if (!known) return invalid("attribute is not filterable");
  text = skip_spaces(text.substr(end));
  if (text.rfind("^=", 0) == 0) {
    f.prefix = true;
    text.remove_prefix(2);
  } else if (text.rfind("=", 0) == 0) {
    text.remove_prefix(1);
  } else {
    return invalid("expected = or ^=");
  }
  text = skip_spaces(text);
  if (text.empty() || text.front() != '"') return invalid("the value must be double-quoted");
  std::string value;
  size_t i = 1;
  bool closed = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      value.push_back(text[++i]);
    } else if (c == '"') {
      closed = true;
      ++i;
      break;
    } else {
      value.push_back(c);
    }
  }
  if (!closed) return invalid("unterminated value");
  if (!skip_spaces(text.substr(i)).empty()) return invalid("unexpected text after the value");
  DTS_TRY(check_text("Filter", value, 256));
  if (attribute == "username") {
    if (value.empty()) return invalid("empty username");
    auto n = normalize_username(value);
    if (!n.ok()) return invalid("not a valid username");
    value = n->key;
  } else if (attribute == "email") {
    value = ascii_lower(value);
  }
  f.attribute = std::move(attribute);
  f.value = std::move(value);
  return f;
}

}  // namespace dts::identity::cognito
