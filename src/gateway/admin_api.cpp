#include "gateway/admin_api.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <boost/json/object.hpp>

#include "common/http/problem.hpp"
#include "common/json.hpp"
#include "common/log.hpp"

namespace asio = boost::asio;

namespace dts::gateway {

bool token_matches(std::string_view presented, std::string_view expected) {
  if (expected.empty()) return false;
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

void add_admin_routes(http::Server& server, Gateway& gateway, std::string admin_token) {
  server.use([token = std::move(admin_token)](
                 http::Request& req) -> asio::awaitable<std::optional<http::Response>> {
    if (!req.path.starts_with("/admin/")) co_return std::nullopt;
    if (token.empty()) {
      co_return http::problem(403, "admin API disabled: GATEWAY_ADMIN_TOKEN is not set",
                              req.request_id);
    }
    std::string_view auth = req.header("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || !http::iequals(auth.substr(0, kBearer.size()), kBearer) ||
        !token_matches(auth.substr(kBearer.size()), token)) {
      http::Response r = http::problem(401, "admin token required", req.request_id);
      r.headers.set("WWW-Authenticate", "Bearer realm=\"dts-gateway-admin\"");
      co_return r;
    }
    co_return std::nullopt;
  });

  auto& router = server.router();
  router.add("GET", "/admin/target-groups",
             [&gateway](http::Request&) -> asio::awaitable<Result<http::Response>> {
               co_return http::Response::json(gateway.describe());
             });
  router.add("GET", "/admin/target-groups/{group}",
             [&gateway](http::Request& req) -> asio::awaitable<Result<http::Response>> {
               auto all = gateway.describe();
               for (const auto& g : all.at("target_groups").as_array()) {
                 if (g.at("name").as_string() == req.param("group")) {
                   co_return http::Response::json(g);
                 }
               }
               co_return not_found("no target group " + std::string(req.param("group")));
             });
  router.add("POST", "/admin/target-groups/{group}/targets",
             [&gateway](http::Request& req) -> asio::awaitable<Result<http::Response>> {
               auto group = gateway.group(std::string(req.param("group")));
               if (!group) co_return not_found("no target group " + std::string(req.param("group")));
               auto body = json::parse_object(req.body);
               if (!body.ok()) co_return body.error();
               const auto* target = body->if_contains("target");
               if (!target || !target->is_string()) {
                 co_return invalid_argument("body must be {\"target\":\"host:port\"}");
               }
               auto address = parse_target_address(std::string(target->as_string()));
               if (!address.ok()) co_return invalid_argument("target: " + address.error().message());
               auto added = group->register_target(*address);
               if (!added.ok()) co_return added.error();
               log::info("target registered", {{"group", group->name()}, {"target", address->id()}});
               co_return http::Response::json(
                   boost::json::object{{"group", group->name()},
                                       {"target", address->id()},
                                       {"created", *added}},
                   *added ? 201 : 200);
             });
  router.add("DELETE", "/admin/target-groups/{group}/targets/{id}",
             [&gateway](http::Request& req) -> asio::awaitable<Result<http::Response>> {
               auto group = gateway.group(std::string(req.param("group")));
               if (!group) co_return not_found("no target group " + std::string(req.param("group")));
               std::string id(req.param("id"));
               auto st = group->deregister_target(id);
               if (!st.ok()) co_return st.error();
               log::info("target draining", {{"group", group->name()}, {"target", id}});
               co_return http::Response::json(
                   boost::json::object{{"group", group->name()}, {"target", id}, {"state", "draining"}},
                   202);
             });
  router.add("POST", "/admin/reload",
             [&gateway](http::Request&) -> asio::awaitable<Result<http::Response>> {
               auto st = gateway.reload();
               if (!st.ok()) co_return st.error();
               co_return http::Response::json(
                   boost::json::object{{"generation", gateway.config_generation()}});
             });
}

}  // namespace dts::gateway
