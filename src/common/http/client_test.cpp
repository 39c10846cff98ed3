#include "common/http/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>

#include "common/http/testing/test_server.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dts::http::testing::TestServer;

namespace dts::http {
namespace {

// Runs one client coroutine to completion on a private io_context.
template <typename F>
Result<Response> run_client(F body) {
  asio::io_context ioc;
  std::optional<Result<Response>> out;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto result = co_await body();
        out.emplace(std::move(result));
      },
      asio::detached);
  ioc.run();
  if (!out) return internal_error("client coroutine did not finish");
  return std::move(*out);
}

void add_routes(Router& r, std::atomic<int>& hits) {
  r.add("GET", "/n", [&hits](Request&) -> asio::awaitable<Result<Response>> {
    co_return Response::text(std::to_string(++hits));
  });
  r.add("GET", "/sleep", [](Request&) -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer t(executor, 1s);
    co_await t.async_wait(asio::use_awaitable);
    co_return Response::text("late");
  });
  r.add("POST", "/echo", [](Request& req) -> asio::awaitable<Result<Response>> {
    co_return Response::text(req.body, 201);
  });
}

TEST(HttpClient, ReusesKeepAliveConnections) {
  TestServer ts;
  std::atomic<int> hits{0};
  add_routes(ts.router(), hits);
  ts.start();
  std::string url = ts.url("/n");
  auto r = run_client([url]() -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    Client client(executor);
    for (int i = 0; i < 5; ++i) {
      auto res = co_await client.get(url);
      if (!res.ok()) co_return res;
    }
    if (client.idle_connections() != 1) co_return internal_error("expected one pooled connection");
    std::string echo_url = url.substr(0, url.size() - 2) + "/echo";
    auto posted = co_await client.post(echo_url, "{\"a\":1}");
    co_return posted;
  });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 201u);
  EXPECT_EQ(r->body, "{\"a\":1}");
  EXPECT_EQ(hits.load(), 5);
  auto conns = ts.metrics().counter("http_connections_total", "").value();
  EXPECT_EQ(conns, 1.0) << "all six requests should share one connection";
}

TEST(HttpClient, TimeoutIsDeadlineExceeded) {
  TestServer ts;
  std::atomic<int> hits{0};
  add_routes(ts.router(), hits);
  ts.start();
  std::string url = ts.url("/sleep");
  auto r = run_client([url]() -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    Client client(executor);
    ClientRequest req;
    req.url = url;
    req.timeout = 200ms;
    auto res = co_await client.request(req);
    co_return res;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kDeadlineExceeded);
}

TEST(HttpClient, ConnectionRefusedIsUnavailableAndBadUrlIsInvalid) {
  auto r = run_client([]() -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    Client client(executor);
    std::string url = "http://127.0.0.1:1/x";
    auto res = co_await client.get(url);
    co_return res;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnavailable);
  auto bad = run_client([]() -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    Client client(executor);
    std::string url = "ftp://example/x";
    auto res = co_await client.get(url);
    co_return res;
  });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
}

TEST(HttpClient, StalePooledConnectionIsReplacedTransparently) {
  auto options = TestServer::small_options();
  options.idle_timeout = 200ms;  // the server closes the pooled connection while it idles
  TestServer ts(options);
  std::atomic<int> hits{0};
  add_routes(ts.router(), hits);
  ts.start();
  std::string url = ts.url("/n");
  auto r = run_client([&]() -> asio::awaitable<Result<Response>> {
    auto executor = co_await asio::this_coro::executor;
    Client client(executor);
    auto first = co_await client.get(url);
    if (!first.ok()) co_return first;
    asio::steady_timer t(executor, 500ms);
    co_await t.async_wait(asio::use_awaitable);
    auto second = co_await client.get(url);
    co_return second;
  });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->body, "2");
  EXPECT_EQ(ts.metrics().counter("http_connections_total", "").value(), 2.0);
}

}  // namespace
}  // namespace dts::http
