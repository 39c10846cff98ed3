#pragma once
// Forwarding one request to a target group: pick a target, stream the request body to it
// and its response back, retrying on another target when a connection could not be made
// (nothing was sent, so any method is safe to retry). Failures become problem+json:
// 503 no routable target, 502 connection/protocol error, 504 upstream timeout.
//
// Runs on the client connection's coroutine; the group and pool are shared, thread-safe.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "common/http/stream.hpp"
#include "common/http/upstream.hpp"
#include "gateway/config.hpp"
#include "gateway/target_group.hpp"

namespace dts::gateway {

class GatewayMetrics;

struct ForwardPlan {
  TargetGroup* group = nullptr;
  const Rule* rule = nullptr;
  std::string target;          // origin-form path?query for the upstream
  http::Headers headers;       // already rewritten (upstream_headers + PEP additions)
  http::Headers response_extra;  // added to the client's response (CORS, security)
};

boost::asio::awaitable<http::StreamOutcome> forward(http::UpstreamPool& pool,
                                                    GatewayMetrics& metrics, ForwardPlan plan,
                                                    http::Request& request,
                                                    http::BodyReader& body,
                                                    http::ResponseWriter& out);

}  // namespace dts::gateway
