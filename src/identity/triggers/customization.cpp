#include "identity/triggers/customization.hpp"

#include <algorithm>
#include <array>

#include "identity/tokens.hpp"

namespace dts::identity::triggers {
namespace {

namespace js = boost::json;

// Cognito's excluded claims (both tokens), and this service's own bookkeeping claims.
constexpr std::array<std::string_view, 21> kProtectedAlways = {"acr",
                                                               "amr",
                                                               "aud",
                                                               "at_hash",
                                                               "auth_time",
                                                               "azp",
                                                               "cognito:username",
                                                               "exp",
                                                               "iat",
                                                               "identities",
                                                               "iss",
                                                               "jti",
                                                               "nbf",
                                                               "nonce",
                                                               "origin_jti",
                                                               "sub",
                                                               "token_use",
                                                               "event_id",
                                                               "cognito:groups",
                                                               "cognito:roles",
                                                               "cognito:preferred_role"};
// Also fixed in access tokens: what the Cognito API and resource servers check.
constexpr std::array<std::string_view, 4> kProtectedAccess = {"client_id", "scope", "username",
                                                              "version"};

Error invalid(std::string what) { return invalid_argument("invalid hook response: " + what); }

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > kMaxClaimNameBytes) return false;
  for (unsigned char ch : n) {
    if (ch < 0x20 || ch == 0x7f) return false;
  }
  return true;
}

// A member that is absent or null is "no change".
const js::value* member(const js::object& o, std::string_view name) {
  const js::value* v = o.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Result<std::vector<std::string>> string_list(const js::value* v, std::string_view what, size_t max,
                                             bool scope_like = false) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (!v->is_array()) return invalid(std::string(what) + " must be an array of strings");
  if (v->get_array().size() > max) return invalid(std::string(what) + " has too many entries");
  for (const js::value& e : v->get_array()) {
    if (!e.is_string() || !valid_name(e.get_string())) {
      return invalid(std::string(what) + " must hold non-empty strings of at most 256 bytes");
    }
    std::string s(e.get_string());
    if (scope_like && s.find(' ') != std::string::npos) {
      return invalid(std::string(what) + " entries must not contain spaces");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Status read_claims(const js::value* v, std::string_view what, bool strings_only,
                   ClaimChanges& out) {
  if (v == nullptr) return ok_status();
  if (!v->is_object()) return invalid(std::string(what) + " must be an object");
  if (v->get_object().size() > kMaxClaimChanges) {
    return invalid(std::string(what) + " has too many claims");
  }
  for (const auto& [k, val] : v->get_object()) {
    if (!valid_name(k)) return invalid(std::string(what) + " has an invalid claim name");
    if (val.is_null() || (strings_only && !val.is_string())) {
      return invalid(std::string(what) + "." + std::string(k) +
                     (strings_only ? " must be a string" : " must not be null"));
    }
    out.add_or_override[k] = val;
  }
  return ok_status();
}

Status read_token_generation(const js::value* v, std::string_view what, bool strings_only,
                             ClaimChanges& out) {
  if (v == nullptr) return ok_status();
  if (!v->is_object()) return invalid(std::string(what) + " must be an object");
  const js::object& o = v->get_object();
  DTS_TRY(read_claims(member(o, "claimsToAddOrOverride"),
                      std::string(what) + ".claimsToAddOrOverride", strings_only, out));
  DTS_ASSIGN_OR_RETURN(out.suppress,
                       string_list(member(o, "claimsToSuppress"),
                                   std::string(what) + ".claimsToSuppress", kMaxClaimChanges));
  return ok_status();
}

Status read_groups(const js::value* v, TokenCustomization& c) {
  if (v == nullptr) return ok_status();
  if (!v->is_object()) return invalid("groupOverrideDetails must be an object");
  const js::object& o = v->get_object();
  if (const js::value* g = member(o, "groupsToOverride")) {
    DTS_ASSIGN_OR_RETURN(c.groups, string_list(g, "groupsToOverride", kMaxGroups));
  }
  if (const js::value* r = member(o, "iamRolesToOverride")) {
    DTS_ASSIGN_OR_RETURN(c.iam_roles, string_list(r, "iamRolesToOverride", kMaxGroups));
  }
  if (const js::value* p = member(o, "preferredRole")) {
    if (!p->is_string() || p->get_string().size() > 2048) {
      return invalid("preferredRole must be a string");
    }
    c.preferred_role = std::string(p->get_string());
  }
  return ok_status();
}

js::array to_array(const std::vector<std::string>& values) {
  js::array a;
  for (const auto& v : values) a.emplace_back(v);
  return a;
}

}  // namespace

bool TokenCustomization::empty() const {
  return id.add_or_override.empty() && id.suppress.empty() && access.add_or_override.empty() &&
         access.suppress.empty() && !groups && !iam_roles && !preferred_role &&
         scopes_to_add.empty() && scopes_to_suppress.empty();
}

bool is_protected_claim(std::string_view name, TokenUse use) {
  if (name.starts_with("dev:")) return true;
  if (std::find(kProtectedAlways.begin(), kProtectedAlways.end(), name) != kProtectedAlways.end()) {
    return true;
  }
  return use == TokenUse::kAccess && std::find(kProtectedAccess.begin(), kProtectedAccess.end(),
                                               name) != kProtectedAccess.end();
}

Result<TokenCustomization> parse_customization(const js::object& reply, int version) {
  TokenCustomization c;
  const js::value* response = member(reply, "response");
  if (response == nullptr) return c;
  if (!response->is_object()) return invalid("response must be an object");
  const js::object& r = response->get_object();
  if (version == 1) {
    const js::value* d = member(r, "claimsOverrideDetails");
    if (d == nullptr) return c;
    if (!d->is_object()) return invalid("claimsOverrideDetails must be an object");
    const js::object& o = d->get_object();
    DTS_TRY(read_claims(member(o, "claimsToAddOrOverride"), "claimsToAddOrOverride", true, c.id));
    DTS_ASSIGN_OR_RETURN(c.id.suppress, string_list(member(o, "claimsToSuppress"),
                                                    "claimsToSuppress", kMaxClaimChanges));
    DTS_TRY(read_groups(member(o, "groupOverrideDetails"), c));
    return c;
  }
  const js::value* d = member(r, "claimsAndScopeOverrideDetails");
  if (d == nullptr) return c;
  if (!d->is_object()) return invalid("claimsAndScopeOverrideDetails must be an object");
  const js::object& o = d->get_object();
  DTS_TRY(read_token_generation(member(o, "idTokenGeneration"), "idTokenGeneration", false, c.id));
  const js::value* access = member(o, "accessTokenGeneration");
  DTS_TRY(read_token_generation(access, "accessTokenGeneration", false, c.access));
  if (access != nullptr) {
    const js::object& a = access->get_object();  // an object: read_token_generation checked
    DTS_ASSIGN_OR_RETURN(c.scopes_to_add, string_list(member(a, "scopesToAdd"), "scopesToAdd",
                                                      kMaxClaimChanges, true));
    DTS_ASSIGN_OR_RETURN(
        c.scopes_to_suppress,
        string_list(member(a, "scopesToSuppress"), "scopesToSuppress", kMaxClaimChanges, true));
  }
  DTS_TRY(read_groups(member(o, "groupOverrideDetails"), c));
  return c;
}

std::vector<std::string> apply_customization(const TokenCustomization& c, TokenUse use,
                                             js::object& claims) {
  std::vector<std::string> refused;
  if (c.groups) {
    if (c.groups->empty()) {
      claims.erase("cognito:groups");
    } else {
      claims["cognito:groups"] = to_array(*c.groups);
    }
  }
  if (use == TokenUse::kId) {
    if (c.iam_roles && !c.iam_roles->empty()) claims["cognito:roles"] = to_array(*c.iam_roles);
    if (c.iam_roles && c.iam_roles->empty()) claims.erase("cognito:roles");
    if (c.preferred_role && !c.preferred_role->empty()) {
      claims["cognito:preferred_role"] = *c.preferred_role;
    }
  }
  const ClaimChanges& changes = use == TokenUse::kId ? c.id : c.access;
  for (const auto& [name, value] : changes.add_or_override) {
    if (is_protected_claim(name, use)) {
      refused.emplace_back(name);
      continue;
    }
    claims[name] = value;
  }
  for (const std::string& name : changes.suppress) {
    if (is_protected_claim(name, use)) {
      refused.push_back(name);
      continue;
    }
    claims.erase(name);
  }
  if (use == TokenUse::kAccess && (!c.scopes_to_add.empty() || !c.scopes_to_suppress.empty())) {
    std::vector<std::string> scopes;
    if (const js::value* s = claims.if_contains("scope"); s != nullptr && s->is_string()) {
      scopes = split_scopes(s->get_string());
    }
    std::erase_if(scopes, [&](const std::string& s) { return has_scope(c.scopes_to_suppress, s); });
    for (const std::string& s : c.scopes_to_add) {
      if (!has_scope(scopes, s) && !has_scope(c.scopes_to_suppress, s)) scopes.push_back(s);
    }
    claims["scope"] = join_scopes(scopes);
  }
  return refused;
}

}  // namespace dts::identity::triggers
