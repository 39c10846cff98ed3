// A stand-in identity provider for the gateway benchmark: one RS256 key, its JWKS served on
// GET /jwks.json, and one access token in Cognito's shape written to a file, so that wrk can
// send `Authorization: Bearer <token>` through the gateway's JWT + policy path without a
// database. The real identity service mints the same claim set (src/identity/tokens.cpp).
//
//   bench_token_issuer PORT TOKEN_FILE TENANT_GROUP
//
// The token's issuer is http://127.0.0.1:PORT/pool, its client_id "bench", its lifetime an
// hour; the process serves until SIGTERM.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "common/http/server.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "jwt/jws.hpp"
#include "jwt/key.hpp"
#include "jwt/key_set.hpp"

int main(int argc, char** argv) {
  using namespace dts;
  namespace json = boost::json;
  if (argc < 4) {
    std::cerr << "usage: bench_token_issuer PORT TOKEN_FILE TENANT_GROUP\n";
    return 2;
  }
  log::configure("bench-issuer", log::Level::kWarn);
  const int port = std::atoi(argv[1]);
  const std::string issuer = "http://127.0.0.1:" + std::to_string(port) + "/pool";

  jwt::Key key = jwt::Key::generate(jwt::KeySpec::kRsa2048).value();
  key.set_kid("bench-1");
  jwt::KeySet set;
  set.add(key.public_key().value());
  const json::object jwks = set.to_public_jwks();

  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  json::object claims{{"iss", issuer},           {"sub", "bench-user"},
                      {"client_id", "bench"},     {"token_use", "access"},
                      {"username", "bench"},      {"scope", "openid"},
                      {"iat", now},               {"auth_time", now},
                      {"exp", now + 3600},        {"jti", "bench-jti"},
                      {"cognito:groups", json::array{argv[3]}}};
  std::ofstream(argv[2]) << jwt::sign_jwt(jwt::Alg::kRS256, key, claims).value();

  metrics::Registry registry;
  http::ServerOptions options;
  options.port = static_cast<uint16_t>(port);
  options.threads = 1;
  http::Server server("bench-issuer", options, registry);
  server.router().add("GET", "/jwks.json",
                      [&jwks](http::Request&) -> boost::asio::awaitable<Result<http::Response>> {
                        co_return http::Response::json(jwks);
                      });
  if (!server.listen().ok()) return 1;
  return server.run_until_signal();
}
