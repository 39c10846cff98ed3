#pragma once
// What a pre-token-generation hook may change in the tokens, read from its response in
// Cognito's shapes, and applied to the claim sets (tokens.hpp) just before signing.
//
// Version 1 (Cognito's V1_0, the default) reads response.claimsOverrideDetails:
//   {claimsToAddOrOverride: {name: string}, claimsToSuppress: [name],
//    groupOverrideDetails: {groupsToOverride, iamRolesToOverride, preferredRole}}
//   -> claims change in the ID token only; the group override in both tokens.
// Version 2 (V2_0) reads response.claimsAndScopeOverrideDetails:
//   {idTokenGeneration: {claimsToAddOrOverride, claimsToSuppress},
//    accessTokenGeneration: {claimsToAddOrOverride, claimsToSuppress, scopesToAdd,
//                            scopesToSuppress},
//    groupOverrideDetails}
//   -> claim values may be any JSON (string, number, boolean, array, object).
// A null or missing member means "no change". A wrong type anywhere is an invalid response
// (InvalidLambdaResponseException), never a partial application.
//
// Protected claims (is_protected_claim) are never added, overridden or suppressed: the
// hook's attempt is ignored (and logged by the caller), as Cognito ignores it, so a hook
// can never change who the token is for, who issued it, for whom, or how long it lives.
// Suppression wins over addition when a hook names a claim in both.
//
// Thread-safety: values and pure functions.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dts::identity::triggers {

struct ClaimChanges {
  boost::json::object add_or_override;
  std::vector<std::string> suppress;
};

struct TokenCustomization {
  ClaimChanges id;
  ClaimChanges access;                                // version 2 only
  std::optional<std::vector<std::string>> groups;     // replaces cognito:groups
  std::optional<std::vector<std::string>> iam_roles;  // cognito:roles (ID token)
  std::optional<std::string> preferred_role;          // cognito:preferred_role (ID token)
  std::vector<std::string> scopes_to_add;             // version 2, access token
  std::vector<std::string> scopes_to_suppress;

  bool empty() const;
};

// Limits on what one response may ask for (each over-limit response is invalid).
inline constexpr size_t kMaxClaimChanges = 100;  // per list / object
inline constexpr size_t kMaxClaimNameBytes = 256;
inline constexpr size_t kMaxGroups = 100;

enum class TokenUse { kId, kAccess };

// Claims that no hook may touch in a token of `use` (Cognito's excluded claims, plus the
// ones this service manages itself: event_id, cognito:groups/roles/preferred_role, which
// change only through groupOverrideDetails). Names starting with "dev:" are protected too.
bool is_protected_claim(std::string_view name, TokenUse use);

// Reads the hook's JSON reply (the whole event echoed back, or just {"response": ...}).
// `version` is 1 or 2. kInvalidArgument naming the offending member otherwise.
Result<TokenCustomization> parse_customization(const boost::json::object& reply, int version);

// Applies the changes for `use` to `claims` in place; returns the names that were
// refused because they are protected (for the log).
std::vector<std::string> apply_customization(const TokenCustomization& c, TokenUse use,
                                             boost::json::object& claims);

}  // namespace dts::identity::triggers
