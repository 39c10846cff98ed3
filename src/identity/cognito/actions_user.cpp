// Cognito actions a client calls without AWS credentials (sign-up, sign-in, self-service).

#include <boost/json/serialize.hpp>

#include "common/ids.hpp"
#include "identity/attributes.hpp"
#include "identity/cognito/action.hpp"
#include "identity/faults.hpp"

namespace dts::identity::cognito {
namespace {

using boost::json::object;

constexpr size_t kIdBytes = 128;
constexpr size_t kUsernameBytes = 512;  // 128 characters of up to 4 bytes
constexpr size_t kPasswordBytes = 256;
constexpr size_t kCodeBytes = 2048;
constexpr size_t kTokenBytes = 16384;
constexpr size_t kSecretHashBytes = 128;

Task<Result<AppClient>> client_of(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string id, required_string(body, "ClientId", kIdBytes));
  co_return co_await ctx.accounts.client(id);
}

// SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword share
// ClientId + Username + SecretHash.
struct ClientUser {
  AppClient client;
  std::string username;
};

Task<Result<ClientUser>> client_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(AppClient client, co_await client_of(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(std::string username, required_string(body, "Username", kUsernameBytes));
  DTS_CO_ASSIGN_OR_RETURN(auto secret_hash, optional_string(body, "SecretHash", kSecretHashBytes));
  DTS_CO_TRY(ctx.accounts.check_secret_hash(client, username, secret_hash.value_or("")));
  co_return ClientUser{std::move(client), std::move(username)};
}

Task<Result<object>> sign_up(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(ClientUser cu, co_await client_user(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(std::string password, required_string(body, "Password", kPasswordBytes));
  DTS_CO_ASSIGN_OR_RETURN(const boost::json::array* list, optional_array(body, "UserAttributes"));
  DTS_CO_ASSIGN_OR_RETURN(Attributes attrs, parse_attribute_list(list, "userAttributes", Writer::kSelf));
  DTS_CO_ASSIGN_OR_RETURN(auto created, co_await ctx.accounts.sign_up(cu.client, cu.username, password, attrs));
  object out;
  out["UserConfirmed"] = false;
  out["CodeDeliveryDetails"] = render_delivery(created.second);
  out["UserSub"] = created.first.id;
  co_return out;
}

Task<Result<object>> confirm_sign_up(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(ClientUser cu, co_await client_user(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(std::string code, required_string(body, "ConfirmationCode", kCodeBytes));
  DTS_CO_TRY(co_await ctx.accounts.confirm_sign_up(cu.client, cu.username, code));
  co_return object{};
}

Task<Result<object>> resend_confirmation_code(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(ClientUser cu, co_await client_user(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(CodeDelivery d,
                          co_await ctx.accounts.resend_confirmation_code(cu.client, cu.username));
  object out;
  out["CodeDeliveryDetails"] = render_delivery(d);
  co_return out;
}

Task<Result<object>> forgot_password(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(ClientUser cu, co_await client_user(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(CodeDelivery d, co_await ctx.accounts.forgot_password(cu.client, cu.username));
  object out;
  out["CodeDeliveryDetails"] = render_delivery(d);
  co_return out;
}

Task<Result<object>> confirm_forgot_password(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(ClientUser cu, co_await client_user(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(std::string code, required_string(body, "ConfirmationCode", kCodeBytes));
  DTS_CO_ASSIGN_OR_RETURN(std::string password, required_string(body, "Password", kPasswordBytes));
  DTS_CO_TRY(co_await ctx.accounts.confirm_forgot_password(cu.client, cu.username, code, password));
  co_return object{};
}

Task<Result<object>> initiate_auth(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string flow, required_string(body, "AuthFlow", 64));
  DTS_CO_ASSIGN_OR_RETURN(AppClient client, co_await client_of(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(auto params, string_map(body, "AuthParameters", 16, kTokenBytes));
  auto param = [&](std::string_view name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  std::string secret_hash = param("SECRET_HASH");
  object out;
  if (flow == "USER_PASSWORD_AUTH") {
    std::string username = param("USERNAME");
    std::string password = param("PASSWORD");
    if (username.empty() || password.empty()) {
      co_return fault(kInvalidParameter, "Missing required parameter USERNAME or PASSWORD");
    }
    if (username.size() > kUsernameBytes) co_return fault(kInvalidParameter, "USERNAME is too long.");
    DTS_CO_TRY(ctx.accounts.check_secret_hash(client, username, secret_hash));
    DTS_CO_ASSIGN_OR_RETURN(AuthOutcome outcome,
                            co_await ctx.accounts.initiate_password_auth(client, username, password, ctx.ip));
    if (outcome.tokens) {
      out["ChallengeParameters"] = object{};
      out["AuthenticationResult"] = render_tokens(*outcome.tokens);
    } else {
      boost::json::object attrs;
      for (const auto& [k, v] : outcome.user.attributes) {
        if (k != "email_verified" && k != "phone_number_verified") attrs[k] = v;
      }
      out["ChallengeName"] = outcome.challenge_name;
      out["Session"] = outcome.session;
      out["ChallengeParameters"] = object{{"USER_ID_FOR_SRP", outcome.user.username},
                                          {"requiredAttributes", "[]"},
                                          {"userAttributes", boost::json::serialize(attrs)}};
    }
    co_return out;
  }
  if (flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN") {
    std::string token = param("REFRESH_TOKEN");
    if (token.empty()) co_return fault(kInvalidParameter, "Missing required parameter REFRESH_TOKEN");
    if (!client.is_public()) {
      DTS_CO_TRY(ctx.accounts.check_secret_hash(client, param("USERNAME"), secret_hash));
    }
    DTS_CO_ASSIGN_OR_RETURN(IssuedTokens tokens, co_await ctx.accounts.refresh(client, token));
    out["ChallengeParameters"] = object{};
    out["AuthenticationResult"] = render_tokens(tokens);
    co_return out;
  }
  if (flow == "USER_SRP_AUTH" || flow == "CUSTOM_AUTH" || flow == "ADMIN_NO_SRP_AUTH" ||
      flow == "ADMIN_USER_PASSWORD_AUTH") {
    co_return fault(kInvalidParameter, "Unsupported auth flow " + flow + " for this endpoint");
  }
  co_return fault(kInvalidParameter, "1 validation error detected: Value at 'authFlow' failed to "
                                     "satisfy constraint: Member must satisfy enum value set");
}

Task<Result<object>> respond_to_auth_challenge(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(AppClient client, co_await client_of(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(std::string name, required_string(body, "ChallengeName", 64));
  DTS_CO_ASSIGN_OR_RETURN(auto session, optional_string(body, "Session", 2048));
  DTS_CO_ASSIGN_OR_RETURN(auto responses, string_map(body, "ChallengeResponses", 64, 2048));
  if (name != "NEW_PASSWORD_REQUIRED") {
    co_return fault(kInvalidParameter, "Unsupported challenge " + name);
  }
  auto get = [&](std::string_view k) {
    auto it = responses.find(k);
    return it == responses.end() ? std::string() : it->second;
  };
  std::string username = get("USERNAME");
  std::string new_password = get("NEW_PASSWORD");
  if (username.empty() || new_password.empty()) {
    co_return fault(kInvalidParameter, "Missing required parameter USERNAME or NEW_PASSWORD");
  }
  DTS_CO_TRY(ctx.accounts.check_secret_hash(client, username, get("SECRET_HASH")));
  // "userAttributes.<name>" responses set (self-writable) attributes with the new password.
  Attributes attrs;
  for (const auto& [k, v] : responses) {
    if (k.rfind("userAttributes.", 0) != 0) continue;
    std::string attr = k.substr(15);
    DTS_CO_TRY(check_attribute(attr, v, Writer::kSelf));
    attrs[attr] = v;
  }
  std::string session_value = session.value_or("");
  DTS_CO_ASSIGN_OR_RETURN(IssuedTokens tokens,
                          co_await ctx.accounts.respond_new_password(client, session_value, username,
                                                                     new_password, attrs));
  object out;
  out["ChallengeParameters"] = object{};
  out["AuthenticationResult"] = render_tokens(tokens);
  co_return out;
}

Task<Result<object>> get_user(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string token, required_string(body, "AccessToken", kTokenBytes));
  DTS_CO_ASSIGN_OR_RETURN(User user, co_await ctx.accounts.user_for_access_token(token));
  object out;
  out["Username"] = user.username;
  out["UserAttributes"] = render_attributes(user);
  out["MFAOptions"] = boost::json::array();
  out["UserMFASettingList"] = boost::json::array();
  co_return out;
}

Task<Result<object>> change_password(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string token, required_string(body, "AccessToken", kTokenBytes));
  DTS_CO_ASSIGN_OR_RETURN(std::string previous, required_string(body, "PreviousPassword", kPasswordBytes));
  DTS_CO_ASSIGN_OR_RETURN(std::string proposed, required_string(body, "ProposedPassword", kPasswordBytes));
  DTS_CO_TRY(co_await ctx.accounts.change_password(token, previous, proposed, ctx.ip));
  co_return object{};
}

Task<Result<object>> global_sign_out(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string token, required_string(body, "AccessToken", kTokenBytes));
  DTS_CO_TRY(co_await ctx.accounts.global_sign_out(token));
  co_return object{};
}

Task<Result<object>> revoke_token(ActionContext& ctx, const object& body) {
  DTS_CO_ASSIGN_OR_RETURN(std::string token, required_string(body, "Token", kTokenBytes));
  DTS_CO_ASSIGN_OR_RETURN(AppClient client, co_await client_of(ctx, body));
  DTS_CO_ASSIGN_OR_RETURN(auto secret, optional_string(body, "ClientSecret", 256));
  if (!client.is_public()) {
    if (!secret || !ids::constant_time_equal(*client.secret, *secret)) {
      co_return fault(kNotAuthorized, "Client authentication failed.");
    }
  }
  DTS_CO_TRY(co_await ctx.accounts.revoke_refresh_token(client, token));
  co_return object{};
}

constexpr Action kUserActions[] = {
    {"SignUp", false, &sign_up},
    {"ConfirmSignUp", false, &confirm_sign_up},
    {"ResendConfirmationCode", false, &resend_confirmation_code},
    {"ForgotPassword", false, &forgot_password},
    {"ConfirmForgotPassword", false, &confirm_forgot_password},
    {"InitiateAuth", false, &initiate_auth},
    {"RespondToAuthChallenge", false, &respond_to_auth_challenge},
    {"GetUser", false, &get_user},
    {"ChangePassword", false, &change_password},
    {"GlobalSignOut", false, &global_sign_out},
    {"RevokeToken", false, &revoke_token},
};

}  // namespace

std::span<const Action> user_actions() { return kUserActions; }

}  // namespace dts::identity::cognito
