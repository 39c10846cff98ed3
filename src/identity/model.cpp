#include "identity/model.hpp"

#include <algorithm>

namespace dts::identity {

std::string_view status_name(UserStatus status) {
  switch (status) {
    case UserStatus::kUnconfirmed:
      return "UNCONFIRMED";
    case UserStatus::kConfirmed:
      return "CONFIRMED";
    case UserStatus::kForceChangePassword:
      return "FORCE_CHANGE_PASSWORD";
    case UserStatus::kResetRequired:
      return "RESET_REQUIRED";
  }
  return "UNKNOWN";
}

std::optional<UserStatus> parse_status(std::string_view text) {
  for (auto s : {UserStatus::kUnconfirmed, UserStatus::kConfirmed,
                 UserStatus::kForceChangePassword, UserStatus::kResetRequired}) {
    if (status_name(s) == text) return s;
  }
  return std::nullopt;
}

bool AppClient::allows_flow(std::string_view flow) const {
  return std::find(explicit_auth_flows.begin(), explicit_auth_flows.end(), flow) !=
         explicit_auth_flows.end();
}

std::string_view User::attribute(std::string_view name) const {
  auto it = attributes.find(name);
  return it == attributes.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace dts::identity
