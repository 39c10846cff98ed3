#pragma once
// Listener: LISTEN on channels over a dedicated connection and deliver NOTIFYs.
//
//   pg::Listener jobs(io.get_executor(), {
//       .conninfo = cfg.database_url,
//       .channels = {"jobs"},
//       .on_notification = [&](const pg::Notification& n) { wake_worker(n.payload); },
//       .on_connected = [&] { wake_worker_to_rescan(); }});
//   jobs.start();
//
// Notifications are not queued by PostgreSQL for a session that is not connected, so any
// sent while the Listener was reconnecting are lost: on_connected runs after every
// (re)connection once LISTEN is in effect, and consumers should re-scan their table there
// (e.g. the worker polls for jobs). Reconnects back off exponentially (with jitter) up to
// backoff_max.
//
// Thread-safety: callbacks run on the Listener's own strand, one at a time. start(), stop()
// and the destructor may be called from any thread; after stop() returns no new callback
// begins (one already running may finish), so stop() (or destroy) the Listener before what
// the callbacks capture.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/pg/connection.hpp"

namespace dts::pg {

struct ListenerOptions {
  std::string conninfo;
  std::vector<std::string> channels;
  std::function<void(const Notification&)> on_notification;
  std::function<void()> on_connected;
  ConnectOptions connection;
  Millis backoff_initial{100};
  Millis backoff_max{5000};
};

class Listener {
 public:
  Listener(Executor executor, ListenerOptions options);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Starts the connect/LISTEN/receive loop in the background. Call once.
  void start();
  // Stops the loop and closes the connection (asynchronously). Idempotent.
  void stop();
  // True while a connection with LISTEN in effect is open.
  bool connected() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace dts::pg
