// https:// in the kit's HTTP client against a real TLS server (testing/tls_test_server.hpp)
// with certificates from a throwaway CA generated at test time (testing/test_pki.hpp).

#include "common/http/detail/tls_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "common/http/client.hpp"
#include "common/http/testing/test_pki.hpp"
#include "common/http/testing/test_server.hpp"
#include "common/http/testing/tls_test_server.hpp"
#include "common/http/tls.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dts::http::testing::CertSpec;
using dts::http::testing::TestCa;
using dts::http::testing::TlsTestServer;

namespace dts::http {
namespace {

// Runs the requests one after another on one Client (so pooling is observable) on a private
// io_context; returns every result.
std::vector<Result<Response>> fetch_all(ClientOptions options, std::vector<ClientRequest> reqs) {
  asio::io_context ioc;
  std::vector<Result<Response>> out;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        Client client(executor, options);
        for (auto& r : reqs) {
          auto result = co_await client.request(r);
          out.push_back(std::move(result));
        }
      },
      asio::detached);
  ioc.run();
  return out;
}

Result<Response> fetch(ClientOptions options, std::string url) {
  ClientRequest r;
  r.url = std::move(url);
  auto all = fetch_all(std::move(options), {r});
  if (all.size() != 1) return internal_error("client coroutine did not finish");
  return std::move(all[0]);
}

Response echo(const Request& req) {
  auto r = Response::text(req.method + " " + req.target + " " + req.body);
  r.headers.set("X-Host", req.headers.get("Host"));
  return r;
}

ClientOptions trusting(TestCa& ca) {
  ClientOptions o;
  o.ca_file = ca.cert_file();
  o.request_timeout = 5s;
  return o;
}

bool contains(const Error& e, std::string_view text) {
  return e.message().find(text) != std::string::npos;
}

TEST(HttpsClient, TrustedPrivateCaByAddressAndByNameWithKeepAlive) {
  TestCa ca;
  TlsTestServer server(ca.issue(), echo);
  ClientRequest get;
  get.url = server.url("/x?y=1");
  ClientRequest by_name;
  by_name.url = server.url("/named", "localhost");
  ClientRequest post;
  post.method = "POST";
  post.url = server.url("/p");
  post.body = "{\"a\":1}";
  auto results = fetch_all(trusting(ca), {get, get, post, by_name});
  ASSERT_EQ(results.size(), 4u);
  for (auto& r : results) ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(results[0]->status, 200u);
  EXPECT_EQ(results[0]->body, "GET /x?y=1 ");
  EXPECT_EQ(results[0]->headers.get("X-Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(results[2]->body, "POST /p {\"a\":1}");
  EXPECT_EQ(results[3]->body, "GET /named ");
  // 127.0.0.1 and localhost are separate pools: one TLS connection each.
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests(), 4);
}

TEST(HttpsClient, UntrustedCaIsRefusedWithoutRetry) {
  TestCa ca;
  TestCa other("some other CA");
  TlsTestServer server(ca.issue(), echo);
  for (auto* trusted : {static_cast<TestCa*>(nullptr), &other}) {
    ClientOptions o;
    if (trusted) o.ca_file = trusted->cert_file();
    auto r = fetch(o, server.url("/"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), Code::kUnavailable);
    EXPECT_TRUE(contains(r.error(), "certificate verify failed: unable to get local issuer"))
        << r.error().message();
  }
  EXPECT_EQ(server.connections(), 2) << "a refused certificate is not retried";
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpsClient, WrongHostNameIsRefused) {
  TestCa ca;
  CertSpec spec;
  spec.dns_names = {"jwks.example.com"};
  spec.ip_addresses = {};
  TlsTestServer server(ca.issue(spec), echo);
  // A DNS name the certificate does not carry.
  auto by_name = fetch(trusting(ca), server.url("/", "localhost"));
  ASSERT_FALSE(by_name.ok());
  EXPECT_TRUE(contains(by_name.error(), "hostname mismatch")) << by_name.error().message();
  // An IP literal is checked against IP SANs only, never against DNS names or the CN.
  auto by_ip = fetch(trusting(ca), server.url("/"));
  ASSERT_FALSE(by_ip.ok());
  EXPECT_TRUE(contains(by_ip.error(), "IP address mismatch")) << by_ip.error().message();

  CertSpec wildcard;
  wildcard.dns_names = {"*.localhost", "127.0.0.1"};  // a DNS SAN spelling an address
  wildcard.ip_addresses = {};
  TlsTestServer server2(ca.issue(wildcard), echo);
  auto w = fetch(trusting(ca), server2.url("/", "localhost"));
  ASSERT_FALSE(w.ok()) << "*.localhost does not cover localhost";
  auto ip_as_dns = fetch(trusting(ca), server2.url("/"));
  ASSERT_FALSE(ip_as_dns.ok()) << "a DNS SAN does not vouch for an IP address";
  EXPECT_EQ(server.requests() + server2.requests(), 0);
}

TEST(HttpsClient, ExpiredAndNotYetValidCertificatesAreRefused) {
  TestCa ca;
  CertSpec expired;
  expired.not_before = -2h;
  expired.not_after = -1h;
  TlsTestServer old_server(ca.issue(expired), echo);
  auto r = fetch(trusting(ca), old_server.url("/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnavailable);
  EXPECT_TRUE(contains(r.error(), "certificate has expired")) << r.error().message();

  CertSpec future;
  future.not_before = 1h;
  future.not_after = 2h;
  TlsTestServer future_server(ca.issue(future), echo);
  auto f = fetch(trusting(ca), future_server.url("/"));
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(contains(f.error(), "certificate is not yet valid")) << f.error().message();
}

TEST(HttpsClient, PlainHttpServerOnHttpsPortFailsWithoutFallback) {
  testing::TestServer plain;
  std::atomic<int> hits{0};
  plain.router().add("GET", "/", [&hits](Request&) -> asio::awaitable<Result<Response>> {
    ++hits;
    co_return Response::text("plain");
  });
  plain.start();
  std::string url = plain.url("/");
  url.replace(0, 4, "https");
  TestCa ca;
  auto r = fetch(trusting(ca), url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnavailable);
  EXPECT_TRUE(contains(r.error(), "TLS handshake with 127.0.0.1:")) << r.error().message();
  EXPECT_TRUE(contains(r.error(), "plain HTTP on an https:// port?")) << r.error().message();
  EXPECT_EQ(hits.load(), 0) << "no request may be sent in clear text";
  EXPECT_EQ(plain.metrics().counter("http_connections_total", "").value(), 1.0)
      << "a server that does not speak TLS is not retried";
}

TEST(HttpsClient, SlowResponseIsDeadlineExceeded) {
  TestCa ca;
  TlsTestServer server(ca.issue(), echo);
  // Far beyond the timeout (the server's destructor does not wait for it), so the bound
  // below holds even under valgrind/ASan on a loaded machine.
  server.set_response_delay(10s);
  ClientRequest r;
  r.url = server.url("/slow");
  r.timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto results = fetch_all(trusting(ca), {r});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(results.size(), 1u);
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().code(), Code::kDeadlineExceeded) << results[0].error().message();
  EXPECT_EQ(server.requests(), 1) << "the request went out; the response was too late";
  EXPECT_LT(took, 5s);
}

TEST(HttpsClient, StalledHandshakeIsBoundedByConnectTimeout) {
  TestCa ca;
  TlsTestServer server(ca.issue(), echo);
  server.set_stall_handshake(true);
  ClientOptions o = trusting(ca);
  o.connect_timeout = 150ms;
  o.request_timeout = 30s;  // only the connect timeout can end this early
  o.max_retries = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = fetch(o, server.url("/"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kUnavailable);
  EXPECT_TRUE(contains(r.error(), "TLS handshake with")) << r.error().message();
  EXPECT_TRUE(contains(r.error(), "timed out")) << r.error().message();
  EXPECT_EQ(server.connections(), 2) << "a handshake timeout is retried like a connect failure";
  EXPECT_LT(took, 5s) << "the server holds a stalled connection for 10 s";
}

TEST(HttpsClient, PooledConnectionClosedByTheServerIsReplaced) {
  TestCa ca;
  TlsTestServer server(ca.issue(), echo);
  server.set_idle_timeout(200ms);
  asio::io_context ioc;
  std::vector<Result<Response>> out;
  size_t pooled_after_first = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        Client client(executor, trusting(ca));
        auto first = co_await client.get(server.url("/1"));
        out.push_back(std::move(first));
        pooled_after_first = client.idle_connections();
        asio::steady_timer t(executor, 600ms);
        co_await t.async_wait(asio::use_awaitable);
        auto second = co_await client.get(server.url("/2"));
        out.push_back(std::move(second));
      },
      asio::detached);
  ioc.run();
  ASSERT_EQ(out.size(), 2u);
  for (auto& r : out) ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(pooled_after_first, 1u);
  EXPECT_EQ(out[1]->body, "GET /2 ");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests(), 2) << "the dead connection was dropped before use, not retried";
}

TEST(HttpsClient, TrustStoreIsLoadedOncePerCaFileWhileInUse) {
  TestCa ca;
  auto a = detail::shared_client_context(ca.cert_file());
  auto b = detail::shared_client_context(ca.cert_file());
  auto system_only = detail::shared_client_context("");
  ASSERT_TRUE(a.ok() && b.ok() && system_only.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_NE(a->get(), system_only->get()) << "a context per CA file";
}

TEST(HttpsClient, CaFileIsChecked) {
  TestCa ca;
  auto ok = check_ca_file(ca.cert_file());
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(*ok, 1u);

  EXPECT_FALSE(check_ca_file("/nonexistent/ca.pem").ok());
  std::string garbage = testing::write_temp_file("not a certificate\n", ".pem");
  std::string key_only = testing::write_temp_file(ca.issue().key_pem, ".pem");
  std::string truncated_pem = ca.cert_pem().substr(0, ca.cert_pem().size() / 2);
  std::string truncated =
      testing::write_temp_file(truncated_pem + "\n-----END CERTIFICATE-----\n", ".pem");
  for (const auto& path : {garbage, key_only, truncated}) {
    auto r = check_ca_file(path);
    EXPECT_FALSE(r.ok()) << path;
  }

  // A client with an unusable CA file refuses https:// up front; http:// is unaffected.
  ClientOptions o;
  o.ca_file = garbage;
  auto r = fetch(o, "https://127.0.0.1:1/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_TRUE(contains(r.error(), garbage)) << r.error().message();
  for (const auto& path : {garbage, key_only, truncated}) std::remove(path.c_str());
}

TEST(HttpsClient, HttpAndHttpsPoolsAreSeparateAndHttpStillWorks) {
  TestCa ca;
  TlsTestServer tls(ca.issue(), echo);
  testing::TestServer plain;
  plain.router().add("GET", "/", [](Request&) -> asio::awaitable<Result<Response>> {
    co_return Response::text("plain");
  });
  plain.start();
  ClientRequest a;
  a.url = tls.url("/");
  ClientRequest b;
  b.url = plain.url("/");
  auto results = fetch_all(trusting(ca), {a, b, a, b});
  ASSERT_EQ(results.size(), 4u);
  for (auto& r : results) ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(results[1]->body, "plain");
  EXPECT_EQ(results[2]->body, "GET / ");
  EXPECT_EQ(tls.connections(), 1);
  EXPECT_EQ(plain.metrics().counter("http_connections_total", "").value(), 1.0);
}

}  // namespace
}  // namespace dts::http
