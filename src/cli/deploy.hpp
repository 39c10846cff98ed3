#pragma once
// `dts deploy --rolling SERVICE`: replaces every instance of SERVICE in a running
// `dts up`, one at a time, without failing a request (ECS rolling update role):
//
//   for each old instance:
//     spawn a new instance (supervisor, control socket) -> wait until its health path
//     answers 200 -> register it in the gateway's target group SERVICE (admin API) ->
//     wait until the gateway sees it healthy -> deregister the old one (it drains: no new
//     requests, in-flight ones finish) -> wait until the gateway dropped it -> retire the
//     old process (SIGTERM, graceful).
//
// The gateway's group for SERVICE must be named like the service (deploy/gateway.yaml).

#include <chrono>
#include <string>

namespace CLI {
class App;
}

namespace dts::cli {

struct DeployOptions {
  std::string home;     // DTS_HOME of the running `dts up`
  std::string service;
  std::chrono::seconds timeout{120};  // per step
};

// Returns the process exit code (0 done, 1 failed: the old instance keeps serving).
int rolling_deploy(const DeployOptions& options);

void add_deploy(CLI::App& app);

}  // namespace dts::cli
