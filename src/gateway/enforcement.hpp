#pragma once
// The seam between the load balancer and the policy enforcement point (src/gateway/pep).
// For a rule marked `protected: true` the pipeline calls one EnforceFn before any action;
// a deny answers at once, an allow adds the PEP's headers (X-Dts-Principal, X-Dts-Tenant,
// X-Dts-Groups, X-Dts-Signature...) to the upstream request. Incoming X-Dts-* fields are
// stripped before the PEP runs, so only the PEP's survive.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "common/http/message.hpp"

namespace dts::gateway {

struct EnforcementResult {
  bool allow = false;
  unsigned status = 403;           // 401, 403, 429 on deny
  std::string detail;              // problem detail on deny
  http::Headers upstream_headers;  // added to the forwarded request on allow
  http::Headers response_headers;  // WWW-Authenticate, Retry-After...
  std::string principal;           // for the access log
  std::string tenant;
  std::string reason;
};

// `path` is the normalized path the rule matched (what the policy sees); `upstream_path` is
// the path the service will receive (after strip_prefix; what an internal signature covers).
using EnforceFn = std::function<boost::asio::awaitable<EnforcementResult>(
    const http::Request& request, const std::string& path, const std::string& upstream_path)>;

}  // namespace dts::gateway
