#include "gateway/pep_adapter.hpp"

#include "gateway/pep/enforcer.hpp"

namespace asio = boost::asio;

namespace dts::gateway {
namespace {

asio::awaitable<EnforcementResult> enforce(const pep::Enforcer* enforcer,
                                           const http::Request& req, std::string path,
                                           std::string upstream_path) {
  // The policy sees the public path; the signature covers the path the service receives.
  pep::RequestView view{req.method, path, req.remote_address, req.request_id,
                        pep::RequestView::lookup(req.headers), upstream_path};
  pep::Decision d = co_await enforcer->enforce(view);
  EnforcementResult out;
  out.allow = d.allow;
  out.principal = d.principal;
  out.tenant = d.tenant;
  out.reason = d.reason;
  if (!d.allow) {
    out.status = static_cast<unsigned>(d.status);
    out.detail = d.detail;
    if (!d.www_authenticate.empty()) out.response_headers.set("WWW-Authenticate", d.www_authenticate);
    if (d.retry_after_s > 0) {
      out.response_headers.set("Retry-After", std::to_string(d.retry_after_s));
    }
    co_return out;
  }
  for (const auto& [name, value] : d.upstream_headers) out.upstream_headers.set(name, value);
  co_return out;
}

}  // namespace

EnforceFn make_enforce_fn(const pep::Enforcer& enforcer) {
  return [e = &enforcer](const http::Request& req, const std::string& path,
                         const std::string& upstream_path) {
    return enforce(e, req, path, upstream_path);
  };
}

}  // namespace dts::gateway
