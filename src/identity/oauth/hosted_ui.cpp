// The hosted UI half of Provider: the login, sign-up and confirmation pages and the POSTs
// that turn a password sign-in into an authorization code.
#include "common/log.hpp"
#include "identity/oauth/pages.hpp"
#include "identity/oauth/provider.hpp"
#include "identity/oauth/redirect.hpp"
#include "identity/tokens.hpp"

namespace dts::identity::oauth {

using http::Request;
using http::Response;

namespace {

constexpr size_t kMaxUsername = 128;
constexpr size_t kMaxEmail = 256;
constexpr size_t kMaxCode = 16;

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

std::string first(const Params& p, std::string_view name) {
  for (const auto& [k, v] : p) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

bool is_form(const Request& req) {
  std::string_view ct = req.header("Content-Type");
  return http::iequals(ct.substr(0, 33), "application/x-www-form-urlencoded");
}

Response error_page(std::string_view title, std::string_view detail, unsigned status) {
  return html_response(render_error(title, detail), status);
}

Response redirect_to(std::string location) {
  Response r;
  r.status = 302;
  r.headers.set("Location", location);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

// The message a sign-in failure may show: Cognito's wording for the expected failures, a
// generic one for everything else (details only in the log).
std::string sign_in_message(const Error& e) {
  const std::string& m = e.message();
  size_t colon = m.find(": ");
  std::string text = colon == std::string::npos ? m : m.substr(colon + 2);
  switch (e.code()) {
    case Code::kUnauthenticated:
    case Code::kNotFound:
      return "Incorrect username or password.";
    case Code::kFailedPrecondition:
    case Code::kResourceExhausted:
    case Code::kPermissionDenied:
    case Code::kInvalidArgument:
    case Code::kAlreadyExists:
    case Code::kUnprocessable:
      return text;
    default:
      return "Something went wrong, please try again.";
  }
}

}  // namespace

struct Provider::Page {
  FormPage form;
  unsigned status = 200;
};

Response Provider::form_page(const Page& page, std::string_view cookie_header) {
  CsrfPair pair = csrf_.issue(cookie_value(cookie_header, kCsrfCookie), now_seconds());
  FormPage form = page.form;
  form.hidden.emplace_back(std::string(kCsrfField), pair.field);
  Response r = html_response(render_form(form), page.status);
  std::string cookie = std::string(kCsrfCookie) + "=" + pair.cookie +
                       "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(options_.csrf_max_age.count());
  if (secure_cookies_) {
    cookie += "; Secure";
  }
  r.headers.add("Set-Cookie", cookie);
  return r;
}

Task<Response> Provider::authorize_page(Request& req) {
  auto parsed = http::parse_form(req.query);
  if (!parsed) {
    co_return error_page("Invalid request", "The request parameters are malformed.", 400);
  }
  AuthorizeParams params = AuthorizeParams::from(*parsed);
  std::optional<AppClient> client = co_await find_client(params.client_id);
  AuthorizeCheck check = check_authorize(params, client);
  if (check.outcome == AuthorizeCheck::Outcome::kErrorPage) {
    co_return error_page(check.error, check.description, 400);
  }
  if (check.outcome == AuthorizeCheck::Outcome::kRedirectError) {
    co_return redirect_to(error_redirect(params, check.error, check.description));
  }
  Page page;
  page.form.title = "Sign in";
  page.form.client_name = client->name;
  page.form.action = "/login";
  page.form.hidden = params.to_params();
  if (deps_.sign_up) {
    page.form.alternate_link = with_query("/signup", params.to_params());
  }
  co_return form_page(page, req.header("Cookie"));
}

Task<Response> Provider::login(Request& req) {
  if (!is_form(req)) {
    co_return error_page("Invalid request", "The form must be sent as a web form.", 400);
  }
  auto form = http::parse_form(req.body);
  if (!form) {
    co_return error_page("Invalid request", "The form is malformed.", 400);
  }
  AuthorizeParams params = AuthorizeParams::from(*form);
  std::optional<AppClient> client = co_await find_client(params.client_id);
  AuthorizeCheck check = check_authorize(params, client);
  if (check.outcome == AuthorizeCheck::Outcome::kErrorPage) {
    co_return error_page(check.error, check.description, 400);
  }
  Status csrf = csrf_.check(cookie_value(req.header("Cookie"), kCsrfCookie),
                            first(*form, kCsrfField), now_seconds());
  if (!csrf.ok()) {
    co_return error_page("Request refused",
                         csrf.error().message() + ". Reload the sign-in page and try again.", 403);
  }
  if (check.outcome == AuthorizeCheck::Outcome::kRedirectError) {
    co_return redirect_to(error_redirect(params, check.error, check.description));
  }
  std::string username = first(*form, "username");
  std::string password = first(*form, "password");
  Page page;
  page.status = 400;
  page.form.title = "Sign in";
  page.form.client_name = client->name;
  page.form.action = "/login";
  page.form.hidden = params.to_params();
  page.form.username = username.size() <= kMaxUsername ? username : std::string();
  if (deps_.sign_up) {
    page.form.alternate_link = with_query("/signup", params.to_params());
  }
  if (username.empty() || password.empty()) {
    page.form.message = "Username and password are required.";
    co_return form_page(page, req.header("Cookie"));
  }
  std::string remote = req.remote_address;
  auto user = co_await deps_.authenticate(*client, std::move(username), std::move(password),
                                          std::move(remote));
  if (!user.ok()) {
    if (user.error().code() == Code::kInternal || user.error().code() == Code::kUnavailable) {
      log::warn("hosted login failed", {{"error", user.error().to_string()}});
    }
    page.form.message = sign_in_message(user.error());
    if (user.error().code() == Code::kResourceExhausted) {
      page.status = 429;
    }
    co_return form_page(page, req.header("Cookie"));
  }
  if (user->status != UserStatus::kConfirmed) {
    // FORCE_CHANGE_PASSWORD / RESET_REQUIRED: the hosted UI has no password-change page yet;
    // the Cognito API (RespondToAuthChallenge, ConfirmForgotPassword) completes it.
    page.form.message = "Your password must be changed before you can sign in here.";
    co_return form_page(page, req.header("Cookie"));
  }
  AuthorizationCode code;
  code.client_id = client->id;
  code.user_sub = user->id;
  code.redirect_uri = params.redirect_uri;
  code.scope = join_scopes(check.scopes);
  if (!params.code_challenge.empty()) {
    code.code_challenge = params.code_challenge;
  }
  if (!params.nonce.empty()) {
    code.nonce = params.nonce;
  }
  code.auth_time = now_seconds();
  code.expires_at = code.auth_time + options_.code_ttl.count();
  auto issued = co_await deps_.codes.create(std::move(code));
  if (!issued.ok()) {
    log::warn("authorization code not stored", {{"error", issued.error().to_string()}});
    co_return error_page("Try again", "The sign-in could not be completed. Please try again.", 503);
  }
  std::vector<std::pair<std::string, std::string>> q{{"code", *issued}};
  if (!params.state.empty()) {
    q.emplace_back("state", params.state);
  }
  co_return redirect_to(with_query(params.redirect_uri, q));
}

Task<Response> Provider::signup_page(Request& req) {
  auto parsed = http::parse_form(req.query);
  if (!parsed) {
    co_return error_page("Invalid request", "The request parameters are malformed.", 400);
  }
  AuthorizeParams params = AuthorizeParams::from(*parsed);
  std::optional<AppClient> client = co_await find_client(params.client_id);
  AuthorizeCheck check = check_authorize(params, client);
  if (check.outcome != AuthorizeCheck::Outcome::kOk || !deps_.sign_up) {
    co_return error_page("Invalid request",
                         check.outcome == AuthorizeCheck::Outcome::kOk ? "Sign-up is disabled."
                                                                       : check.description,
                         400);
  }
  Page page;
  page.form.kind = FormPage::Kind::kSignup;
  page.form.title = "Sign up";
  page.form.client_name = client->name;
  page.form.action = "/signup";
  page.form.hidden = params.to_params();
  page.form.alternate_link = with_query("/login", params.to_params());
  co_return form_page(page, req.header("Cookie"));
}

struct Provider::FormPost {
  Params form;
  AuthorizeParams params;
  std::optional<AppClient> client;
  std::optional<Response> refusal;
};

Task<Provider::FormPost> Provider::read_form_post(Request& req, bool step_enabled) {
  FormPost post;
  auto form = is_form(req) ? http::parse_form(req.body) : std::nullopt;
  if (!form) {
    post.refusal = error_page("Invalid request", "The form is malformed.", 400);
    co_return post;
  }
  post.form = std::move(*form);
  post.params = AuthorizeParams::from(post.form);
  post.client = co_await find_client(post.params.client_id);
  AuthorizeCheck check = check_authorize(post.params, post.client);
  if (check.outcome != AuthorizeCheck::Outcome::kOk || !step_enabled) {
    post.refusal = error_page("Invalid request", check.description, 400);
    co_return post;
  }
  Status csrf = csrf_.check(cookie_value(req.header("Cookie"), kCsrfCookie),
                            first(post.form, kCsrfField), now_seconds());
  if (!csrf.ok()) {
    post.refusal = error_page("Request refused", csrf.error().message() + ".", 403);
  }
  co_return post;
}

Task<Response> Provider::signup(Request& req) {
  FormPost post = co_await read_form_post(req, static_cast<bool>(deps_.sign_up));
  if (post.refusal) {
    co_return std::move(*post.refusal);
  }
  const AuthorizeParams& params = post.params;
  const std::optional<AppClient>& client = post.client;
  std::string username = first(post.form, "username");
  std::string email = first(post.form, "email");
  std::string password = first(post.form, "password");
  Page page;
  page.form.client_name = client->name;
  page.form.hidden = params.to_params();
  page.form.username = username.size() <= kMaxUsername ? username : std::string();
  if (username.empty() || username.size() > kMaxUsername || email.empty() ||
      email.size() > kMaxEmail || password.empty()) {
    page.status = 400;
    page.form.kind = FormPage::Kind::kSignup;
    page.form.title = "Sign up";
    page.form.action = "/signup";
    page.form.message = "Username, email and password are required.";
    co_return form_page(page, req.header("Cookie"));
  }
  Status created = co_await deps_.sign_up(*client, username, std::move(email), std::move(password));
  if (!created.ok()) {
    page.status = created.error().code() == Code::kResourceExhausted ? 429 : 400;
    page.form.kind = FormPage::Kind::kSignup;
    page.form.title = "Sign up";
    page.form.action = "/signup";
    page.form.message = sign_in_message(created.error());
    co_return form_page(page, req.header("Cookie"));
  }
  page.form.kind = FormPage::Kind::kConfirm;
  page.form.title = "Confirm your account";
  page.form.action = "/confirm";
  page.form.message = "We have sent a code to your email address. Enter it below to confirm.";
  page.form.message_is_error = false;
  co_return form_page(page, req.header("Cookie"));
}

Task<Response> Provider::confirm(Request& req) {
  FormPost post = co_await read_form_post(req, static_cast<bool>(deps_.confirm));
  if (post.refusal) {
    co_return std::move(*post.refusal);
  }
  const AuthorizeParams& params = post.params;
  const std::optional<AppClient>& client = post.client;
  std::string username = first(post.form, "username");
  std::string code = first(post.form, "code");
  Page page;
  page.form.client_name = client->name;
  page.form.hidden = params.to_params();
  page.form.username = username.size() <= kMaxUsername ? username : std::string();
  Status confirmed = invalid_argument("Username and code are required.");
  if (!username.empty() && !code.empty() && code.size() <= kMaxCode) {
    confirmed = co_await deps_.confirm(*client, username, std::move(code));
  }
  if (!confirmed.ok()) {
    page.status = confirmed.error().code() == Code::kResourceExhausted ? 429 : 400;
    page.form.kind = FormPage::Kind::kConfirm;
    page.form.title = "Confirm your account";
    page.form.action = "/confirm";
    page.form.message = sign_in_message(confirmed.error());
    co_return form_page(page, req.header("Cookie"));
  }
  page.form.kind = FormPage::Kind::kLogin;
  page.form.title = "Sign in";
  page.form.action = "/login";
  page.form.message = "Your account is confirmed. Sign in to continue.";
  page.form.message_is_error = false;
  co_return form_page(page, req.header("Cookie"));
}

}  // namespace dts::identity::oauth
