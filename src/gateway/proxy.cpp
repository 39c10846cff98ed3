#include "gateway/proxy.hpp"

#include <memory>
#include <vector>

#include "common/http/problem.hpp"
#include "common/log.hpp"
#include "gateway/gateway_metrics.hpp"
#include "gateway/proxy_headers.hpp"

namespace asio = boost::asio;

namespace dts::gateway {
namespace {

constexpr int kMaxAttempts = 3;
constexpr size_t kRelayChunk = 64 * 1024;

http::StreamOutcome answer(unsigned status, std::string detail, const http::Request& req,
                           std::string_view kind = {}) {
  http::StreamOutcome o;
  o.response = http::problem(status, detail, req.request_id, kind);
  o.status = status;
  return o;
}

// The client's own body failed while we streamed it upstream.
http::StreamOutcome client_body_failure(const Error& e, const http::Request& req) {
  switch (e.code()) {
    case Code::kPayloadTooLarge: return answer(413, e.message(), req);
    case Code::kDeadlineExceeded: return answer(408, e.message(), req);
    case Code::kInvalidArgument: return answer(400, e.message(), req);
    default: return answer(400, "request body: " + e.message(), req);
  }
}

}  // namespace

asio::awaitable<http::StreamOutcome> forward(http::UpstreamPool& pool, GatewayMetrics& metrics,
                                             ForwardPlan plan, http::Request& req,
                                             http::BodyReader& body, http::ResponseWriter& out) {
  TargetGroup& group = *plan.group;
  const std::string group_name = group.name();
  const TargetGroupConfig cfg = group.config();
  http::ForwardRequest upstream;
  upstream.method = req.method;
  upstream.target = std::move(plan.target);
  upstream.headers = std::move(plan.headers);
  upstream.body = &body;
  upstream.connect_timeout = cfg.connect_timeout;
  std::optional<std::chrono::milliseconds> timeout =
      plan.rule && plan.rule->timeout ? *plan.rule->timeout : cfg.response_timeout;

  std::vector<std::string> tried;
  for (int attempt = 0;; ++attempt) {
    TargetLease lease = group.pick(tried);
    if (!lease) {
      if (tried.empty()) {
        metrics.rejected("no_healthy_target");
        co_return answer(503, "no healthy target in group " + group_name, req);
      }
      co_return answer(502, "no target of group " + group_name + " accepted a connection", req);
    }
    tried.push_back(lease->id);
    auto started = Clock::now();
    std::string host = lease->address.host;
    uint16_t port = lease->address.port;
    http::ForwardResult result = co_await pool.forward(std::move(host), port, upstream, timeout);
    if (!result.response.ok()) {
      const Error& e = result.response.error();
      if (result.client_body_failed) {
        metrics.rejected("client_body");
        co_return client_body_failure(e, req);
      }
      if (!result.request_sent) {
        // Nothing reached the target: count it against the target, try another one.
        group.report_connect_error(*lease);
        metrics.upstream_error(group_name, "connect");
        log::warn("upstream connect failed", {{"request_id", req.request_id},
                                              {"group", group_name},
                                              {"target", lease->id},
                                              {"error", e.message()}});
        if (attempt + 1 < kMaxAttempts && body.consumed() == 0) {
          metrics.retry(group_name);
          continue;
        }
        co_return answer(502, "upstream unavailable: " + e.message(), req);
      }
      if (e.code() == Code::kDeadlineExceeded) {
        metrics.upstream_error(group_name, "timeout");
        co_return answer(504, "upstream " + lease->id + " did not answer in time", req);
      }
      group.report_connect_error(*lease);
      metrics.upstream_error(group_name, "protocol");
      co_return answer(502, "upstream failed: " + e.message(), req);
    }
    group.report_success(*lease);
    double upstream_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    metrics.upstream_latency(group_name, upstream_seconds);

    http::UpstreamResponse& up = *result.response;
    http::Headers headers = downstream_headers(up.headers);
    for (const auto& [name, value] : plan.response_extra) {
      if (!headers.has(name)) headers.add(name, value);
    }
    http::StreamOutcome outcome;
    outcome.status = up.status;
    outcome.log_fields = {{"group", group_name},
                          {"target", lease->id},
                          {"upstream_ms", upstream_seconds * 1000.0},
                          {"attempts", attempt + 1}};
    Status head = co_await out.write_head(up.status, headers, up.content_length);
    if (!head.ok()) co_return outcome;  // client gone; the session closes the connection
    // Not zero-filled (a 64 KiB memset per request showed in profiles); a short body with a
    // known length needs no more than its length (+1 to see the end in the same read).
    const size_t chunk_size = up.content_length && *up.content_length < kRelayChunk
                                  ? static_cast<size_t>(*up.content_length) + 1
                                  : kRelayChunk;
    auto chunk = std::make_unique_for_overwrite<char[]>(chunk_size);
    bool complete = false;
    while (true) {
      auto n = co_await up.body->read(std::span<char>(chunk.get(), chunk_size));
      if (!n.ok()) {
        // Mid-body failure: the head is out, so the only honest signal left is to cut the
        // connection (the client sees a truncated body, never a silently short one).
        metrics.upstream_error(group_name, "body");
        log::warn("upstream body failed", {{"request_id", req.request_id},
                                           {"target", lease->id},
                                           {"error", n.error().message()}});
        break;
      }
      if (*n == 0) {
        complete = true;
        break;
      }
      Status w = co_await out.write(std::string_view(chunk.get(), *n));
      if (!w.ok()) break;
      outcome.bytes_out += *n;
    }
    if (complete) {
      Status finished = co_await out.finish();
      (void)finished;
    }
    co_return outcome;
  }
}

}  // namespace dts::gateway
