#include "identity/oauth/errors.hpp"

#include <boost/json/object.hpp>

namespace dts::identity::oauth {

OAuthError invalid_request(std::string d) { return {"invalid_request", std::move(d)}; }
OAuthError invalid_client(std::string d, bool basic) {
  return {"invalid_client", std::move(d), basic ? 401u : 400u, basic};
}
OAuthError invalid_grant(std::string d) { return {"invalid_grant", std::move(d)}; }
OAuthError unauthorized_client(std::string d) { return {"unauthorized_client", std::move(d)}; }
OAuthError unsupported_grant_type(std::string d) { return {"unsupported_grant_type", std::move(d)}; }
OAuthError invalid_scope(std::string d) { return {"invalid_scope", std::move(d)}; }

void no_store(http::Response& r) {
  r.headers.set("Cache-Control", "no-store");
  r.headers.set("Pragma", "no-cache");
}

http::Response error_response(const OAuthError& e) {
  boost::json::object body{{"error", e.error}};
  if (!e.description.empty()) {
    body["error_description"] = e.description;
  }
  http::Response r = http::Response::json(body, e.status);
  no_store(r);
  if (e.basic_challenge) {
    r.headers.set("WWW-Authenticate", "Basic realm=\"oauth2\"");
  }
  return r;
}

http::Response bearer_error(std::string_view error, std::string_view description,
                            unsigned status) {
  boost::json::object body{{"error", error}, {"error_description", description}};
  http::Response r = http::Response::json(body, status);
  no_store(r);
  // The description is ours and has no quotes; keep the header value well-formed anyway.
  std::string d;
  for (char c : description) {
    d += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '\'' : c;
  }
  r.headers.set("WWW-Authenticate",
                "Bearer error=\"" + std::string(error) + "\", error_description=\"" + d + "\"");
  return r;
}

}  // namespace dts::identity::oauth
