#include "common/http/server.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <stdexcept>
#include <thread>

#include "common/http/testing/raw_socket.hpp"
#include "common/json.hpp"
#include "common/http/testing/test_server.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dts::http::Request;
using dts::http::Response;
using dts::http::testing::count_responses;
using dts::http::testing::first_status;
using dts::http::testing::RawSocket;
using dts::http::testing::TestServer;

namespace dts::http {
namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer t(executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

void add_test_routes(Router& r) {
  r.add("GET", "/hello", [](Request&) -> asio::awaitable<Result<Response>> {
    co_return Response::text("hello");
  });
  r.add("GET", "/echo/{word}", [](Request& req) -> asio::awaitable<Result<Response>> {
    co_return Response::text(std::string(req.param("word")));
  });
  r.add("POST", "/echo", [](Request& req) -> asio::awaitable<Result<Response>> {
    co_return Response::text(req.body);
  });
  r.add("GET", "/ids", [](Request& req) -> asio::awaitable<Result<Response>> {
    co_return Response::json(boost::json::object{{"request_id", req.request_id},
                                                 {"trace_id", req.trace.trace_id}});
  });
  r.add("GET", "/throws", [](Request&) -> asio::awaitable<Result<Response>> {
    throw std::runtime_error("boom");
    co_return Response::text("unreachable");
  });
  r.add("GET", "/missing", [](Request&) -> asio::awaitable<Result<Response>> {
    co_return not_found("no such thing");
  });
  r.add("POST", "/json", [](Request& req) -> asio::awaitable<Result<Response>> {
    auto body = json::parse_object(req.body);
    if (!body.ok()) co_return body.error();
    co_return Response::json(*body);
  });
  r.add("GET", "/slow", [](Request&) -> asio::awaitable<Result<Response>> {
    co_await sleep_for(400ms);
    co_return Response::text("slow done");
  });
}

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

TEST(HttpServer, ServesAndEchoesRequestId) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/hello", "X-Request-Id: abc-123_XYZ\r\n"));
  std::string out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 200);
  EXPECT_NE(out.find("hello"), std::string::npos);
  EXPECT_NE(out.find("X-Request-Id: abc-123_XYZ"), std::string::npos);
}

TEST(HttpServer, ReplacesMalformedRequestIdAndPropagatesTrace) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/ids", "X-Request-Id: bad id with spaces\r\n"
                     "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"));
  std::string out = s.read_responses(1);
  ASSERT_EQ(first_status(out), 200);
  auto body = boost::json::parse(out.substr(out.find("\r\n\r\n") + 4)).as_object();
  EXPECT_NE(body["request_id"].as_string(), "bad id with spaces");
  EXPECT_EQ(body["request_id"].as_string().size(), 32u);
  EXPECT_EQ(body["trace_id"].as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(HttpServer, KeepAliveAndPipeliningAnswerInOrder) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/echo/one"));
  std::string first = s.read_responses(1);
  EXPECT_NE(first.find("one"), std::string::npos);
  // Three requests in one write, the first one slow: answers must still come in order.
  s.send(get("/slow") + get("/echo/two") + get("/echo/three"));
  std::string out = s.read_responses(3);
  ASSERT_EQ(count_responses(out), 3) << out;
  size_t a = out.find("slow done"), b = out.find("two"), c = out.find("three");
  ASSERT_NE(a, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(HttpServer, NotFoundAndMethodNotAllowedAreProblems) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/nope"));
  std::string out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 404);
  EXPECT_NE(out.find("application/problem+json"), std::string::npos);
  EXPECT_NE(out.find("\"request_id\""), std::string::npos);
  s.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 405);
  EXPECT_NE(out.find("Allow: GET"), std::string::npos);
}

TEST(HttpServer, HeaderTooLargeIs431AndServerKeepsServing) {
  TestServer ts;
  add_test_routes(ts.router());
  uint16_t port = ts.start();
  {
    RawSocket s(port);
    s.send(get("/hello", "X-Big: " + std::string(8000, 'a') + "\r\n"));
    EXPECT_EQ(first_status(s.read_until_close()), 431);
  }
  {
    RawSocket s(port);
    std::string many;
    for (int i = 0; i < 30; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    s.send(get("/hello", many));
    EXPECT_EQ(first_status(s.read_until_close()), 431);
  }
  RawSocket ok(port);
  ok.send(get("/hello"));
  EXPECT_EQ(first_status(ok.read_responses(1)), 200);
}

TEST(HttpServer, BodyTooLargeIs413) {
  TestServer ts;
  add_test_routes(ts.router());
  uint16_t port = ts.start();
  {
    RawSocket s(port);
    s.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" +
           std::string(5000, 'x'));
    EXPECT_EQ(first_status(s.read_until_close()), 413);
  }
  {
    RawSocket s(port);  // chunked: the limit is found while reading
    std::string chunk(800, 'y');
    s.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
           "320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    std::string out = s.read_until_close();
    EXPECT_EQ(first_status(out), 413) << out;
  }
  RawSocket ok(port);
  ok.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody");
  std::string out = ok.read_responses(1);
  EXPECT_EQ(first_status(out), 200);
  EXPECT_NE(out.find("body"), std::string::npos);
}

TEST(HttpServer, MalformedRequestIs400) {
  TestServer ts;
  add_test_routes(ts.router());
  uint16_t port = ts.start();
  for (std::string bad : {std::string("GARBAGE\r\n\r\n"),
                          std::string("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"),
                          std::string("POST /echo HTTP/1.1\r\nHost: t\r\n"
                                      "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")}) {
    RawSocket s(port);
    s.send(bad);
    EXPECT_EQ(first_status(s.read_until_close()), 400) << bad;
  }
}

TEST(HttpServer, MalformedAndTooDeepJsonAreProblem400) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  auto post = [](const std::string& body) {
    return "POST /json HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  s.send(post("{\"a\": 1,}"));
  std::string out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 400) << out;
  EXPECT_NE(out.find("application/problem+json"), std::string::npos);
  EXPECT_NE(out.find("invalid JSON at 1:"), std::string::npos) << out;
  EXPECT_NE(out.find("\"request_id\""), std::string::npos);
  s.send(post(std::string(200, '[') + std::string(200, ']')));
  out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 400) << out;
  EXPECT_NE(out.find("deeper than"), std::string::npos) << out;
  s.send(post("{\"ok\":true}"));  // the connection and the server still serve
  out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 200) << out;
}

TEST(HttpServer, SlowlorisIsCutByHeaderTimeout) {
  TestServer ts;  // header_timeout 500 ms
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  auto t0 = std::chrono::steady_clock::now();
  s.send("GET /hello HTTP/1.1\r\nHost: t\r\n");
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(100ms);
    if (!s.send("X-Drip: " + std::to_string(i) + "\r\n")) break;
  }
  std::string out = s.read_until_close(3s);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  // Cut without an answer (as nginx does on client_header_timeout): the server never
  // serves a request whose headers trickle in past the timeout.
  EXPECT_EQ(out.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_GE(elapsed, 450ms);
  EXPECT_EQ(ts.metrics().counter("http_rejected_requests_total", "").value(), 1.0);
}

TEST(HttpServer, HandlerExceptionAndErrorsBecomeProblems) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/throws"));
  std::string out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 500);
  EXPECT_EQ(out.find("boom"), std::string::npos) << "internal details must not leak";
  s.send(get("/missing"));
  out = s.read_responses(1);
  EXPECT_EQ(first_status(out), 404);
  EXPECT_NE(out.find("urn:dts:problem:not_found"), std::string::npos);
  EXPECT_NE(out.find("no such thing"), std::string::npos) << ::testing::PrintToString(out);
}

TEST(HttpServer, MetricsCountRequestsPerRoute) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket s(ts.start());
  s.send(get("/echo/a") + get("/echo/b") + get("/metrics"));
  std::string out = s.read_responses(3);
  EXPECT_NE(out.find("http_requests_total{method=\"GET\",route=\"/echo/{word}\",status_class=\"2xx\"} 2"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("process_resident_memory_bytes"), std::string::npos);
}

TEST(HttpServer, GracefulStopFinishesInFlightRequest) {
  TestServer ts;
  add_test_routes(ts.router());
  RawSocket slow(ts.start());
  RawSocket idle(ts.server().port());
  slow.send(get("/slow"));
  std::this_thread::sleep_for(100ms);
  ts.server().stop();
  std::string out = slow.read_until_close(3s);
  EXPECT_EQ(first_status(out), 200);
  EXPECT_NE(out.find("slow done"), std::string::npos);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(idle.closed_within(2s));
  ts.stop_and_join();
}

// The whole process: SIGTERM while requests are in flight -> they finish, exit code 0.
TEST(HttpServer, SigtermUnderLoadFinishesInFlightAndExitsZero) {
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipefd[0]);
    metrics::Registry registry;
    Server server("sigterm-test", TestServer::small_options(), registry);
    add_test_routes(server.router());
    auto port = server.listen();
    uint16_t p = port.ok() ? *port : 0;
    if (write(pipefd[1], &p, sizeof p) != sizeof p) _exit(3);
    close(pipefd[1]);
    _exit(server.run_until_signal());
  }
  close(pipefd[1]);
  uint16_t port = 0;
  ASSERT_EQ(read(pipefd[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  close(pipefd[0]);
  ASSERT_NE(port, 0);
  std::vector<std::unique_ptr<RawSocket>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<RawSocket>(port));
    clients.back()->send(get("/slow"));
  }
  std::this_thread::sleep_for(100ms);
  kill(pid, SIGTERM);
  int ok = 0;
  for (auto& c : clients) {
    std::string out = c->read_until_close(5s);
    if (first_status(out) == 200 && out.find("slow done") != std::string::npos) ++ok;
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ok, 8);
}

}  // namespace
}  // namespace dts::http
