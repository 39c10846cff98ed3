#include "identity/bootstrap.hpp"

#include <charconv>

#include "common/log.hpp"
#include "common/pg/co_try.hpp"

namespace dts::identity {

Task<Status> bootstrap_defaults(Store& store, const Config& config) {
  UserPool pool{config.default_pool_id, config.default_pool_name, 0};
  DTS_CO_TRY(co_await store.ensure_pool(pool));
  AppClient spa;
  spa.id = config.spa_client_id;
  spa.pool_id = config.default_pool_id;
  spa.name = config.spa_client_name;
  spa.callback_urls = config.spa_callback_urls;
  spa.logout_urls = config.spa_logout_urls;
  spa.allowed_scopes = {"openid", "email", "profile", "aws.cognito.signin.user.admin"};
  spa.allowed_oauth_flows = {"code"};
  spa.explicit_auth_flows = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"};
  DTS_CO_TRY(co_await store.upsert_client(spa));
  for (const auto& entry : config.default_groups) {
    // "name:precedence" or "name"
    Group g;
    g.pool_id = config.default_pool_id;
    size_t colon = entry.find(':');
    g.name = entry.substr(0, colon);
    if (colon != std::string::npos) {
      int64_t p = 0;
      std::string_view digits = std::string_view(entry).substr(colon + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
      if (ec == std::errc() && end == digits.data() + digits.size() && p >= 0) g.precedence = p;
    }
    g.description = "platform role " + g.name;
    if (g.name.empty()) continue;
    DTS_CO_TRY(co_await store.ensure_group(g));
  }
  log::info("identity defaults ready", {{"pool_id", config.default_pool_id},
                                        {"spa_client_id", config.spa_client_id}});
  co_return ok_status();
}

CodeSender dev_mailbox_sender(Store& store) {
  return [&store](CodeMessage m) -> Task<Status> {
    MailboxMessage mail;
    mail.pool_id = m.pool_id;
    mail.username = m.username;
    mail.destination = m.destination;
    mail.purpose = m.purpose;
    mail.code = m.code;
    DTS_CO_TRY(co_await store.add_mail(mail));
    // Dev only: the local stand-in for an email. A real sender never logs the code.
    log::info("dev mailbox: message delivered", {{"pool_id", m.pool_id},
                                                 {"username", m.username},
                                                 {"destination", m.destination},
                                                 {"purpose", m.purpose},
                                                 {"code", m.code}});
    co_return ok_status();
  };
}

}  // namespace dts::identity
