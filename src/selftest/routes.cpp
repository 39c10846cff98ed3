#include "selftest/routes.hpp"

#include <chrono>
#include <charconv>

#include "common/json.hpp"

namespace dts::selftest {
namespace {

using boost::asio::awaitable;
using http::Request;
using http::Response;

boost::json::object render(const Probe& p) {
  return {{"id", p.id}, {"note", p.note}, {"created_at", p.created_at}};
}

constexpr size_t kMaxNote = 1000;

}  // namespace

void add_routes(http::Router& router, Store& store, const internal_auth::InternalSigner* signer) {
  router.add("GET", "/hello", [](Request&) -> awaitable<Result<Response>> {
    co_return Response::text("hello");
  });

  // Who the gateway says is calling: only believed when its signature verifies (401 when
  // the X-Dts-* headers are missing, forged or altered; 503 without DTS_INTERNAL_KEY).
  router.add("GET", "/whoami", [signer](Request& req) -> awaitable<Result<Response>> {
    if (signer == nullptr) co_return unavailable("DTS_INTERNAL_KEY is not set");
    auto caller = signer->authenticate(req, std::chrono::system_clock::now());
    if (!caller.ok()) co_return caller.error();
    boost::json::array groups, roles;
    for (const auto& g : caller->groups) groups.emplace_back(g);
    for (const auto& r : caller->tenant_roles()) roles.emplace_back(r);
    co_return Response::json(boost::json::object{{"principal", caller->principal},
                                                 {"tenant", caller->tenant},
                                                 {"groups", std::move(groups)},
                                                 {"roles", std::move(roles)},
                                                 {"request_id", caller->request_id}});
  });

  router.add("POST", "/api/selftest/probes",
             [&store](Request& req) -> awaitable<Result<Response>> {
               auto body = json::parse_object(req.body);
               if (!body.ok()) co_return body.error();
               auto note = json::get_string(*body, "note", true);
               if (!note.ok()) co_return note.error();
               if (note->empty() || note->size() > kMaxNote) {
                 co_return invalid_argument("note: must be 1 to 1000 characters");
               }
               auto probe = co_await store.create_probe(std::move(*note));
               if (!probe.ok()) co_return probe.error();
               Response r = Response::json(render(*probe), 201);
               r.headers.set("Location", "/api/selftest/probes/" + std::to_string(probe->id));
               co_return r;
             });

  router.add("GET", "/api/selftest/probes/{id}",
             [&store](Request& req) -> awaitable<Result<Response>> {
               std::string_view text = req.param("id");
               int64_t id = 0;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
               if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
                 co_return invalid_argument("id: must be a positive integer");
               }
               auto probe = co_await store.get_probe(id);
               if (!probe.ok()) co_return probe.error();
               co_return Response::json(render(*probe));
             });
}

}  // namespace dts::selftest
