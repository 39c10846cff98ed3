// The HTTP kit's hello route, alone: the peer of nginx's `return 200 "hello"` in
// bench/http/run.sh. Same kit, same middleware path as every service (router, request id,
// metrics, access log at warn level so logging does not dominate).

#include <boost/asio/awaitable.hpp>
#include <cstdlib>
#include <iostream>

#include "common/http/server.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

int main(int argc, char** argv) {
  using namespace dts;
  if (argc < 2) {
    std::cerr << "usage: bench_http_hello PORT [THREADS]\n";
    return 2;
  }
  log::configure("bench", log::Level::kWarn);
  metrics::Registry registry;
  http::ServerOptions options;
  options.port = static_cast<uint16_t>(std::atoi(argv[1]));
  options.threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  http::Server server("bench", options, registry);
  server.router().add("GET", "/hello",
                      [](http::Request&) -> boost::asio::awaitable<Result<http::Response>> {
                        co_return http::Response::text("hello");
                      });
  // What the gateway benchmark's protected rule forwards GET /api/core/datasets to (its
  // strip_prefix removes /api/core): the same answer, behind JWT + policy.
  server.router().add("GET", "/datasets",
                      [](http::Request&) -> boost::asio::awaitable<Result<http::Response>> {
                        co_return http::Response::text("hello");
                      });
  if (!server.listen().ok()) return 1;
  return server.run_until_signal();
}
