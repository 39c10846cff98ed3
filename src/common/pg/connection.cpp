#include "common/pg/connection.hpp"

#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "common/log.hpp"
#include "common/pg/error.hpp"

namespace dts::pg {
namespace {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using asio::posix::stream_descriptor;

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  for (char& c : text) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return text;
}

// Marks a Connection busy for the duration of one call, so that two coroutines sharing a
// connection by mistake get an error instead of interleaving protocol messages.
class BusyGuard {
 public:
  explicit BusyGuard(bool& busy) : busy_(busy), acquired_(!busy) { busy_ = true; }
  ~BusyGuard() {
    if (acquired_) {
      busy_ = false;
    }
  }
  bool acquired() const { return acquired_; }

 private:
  bool& busy_;
  bool acquired_;
};

Error in_use() {
  return failed_precondition("pg::Connection is already in use by another coroutine");
}

std::vector<const char*> values_of(const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) {
    values.push_back(p.c_str());
  }
  return values;
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += '"';
  return out;
}

// libpq prints NOTICEs (and errors arriving while idle, such as the FATAL a server sends
// when it shuts down) to stderr by default; route them into the JSON log instead.
static void log_notice(void*, const char* message) {
  log::debug("postgres notice", {{"message", one_line(message)}});
}

Connection::Connection(Executor executor, PGconn* conn, ConnectOptions options)
    : conn_(conn), options_(options), socket_(std::move(executor)) {
  PQsetNoticeProcessor(conn_, &log_notice, nullptr);
}

Connection::~Connection() {
  if (socket_.is_open()) {
    socket_.release();  // libpq owns the fd; PQfinish closes it.
  }
  PQfinish(conn_);
}

Awaitable<Result<std::unique_ptr<Connection>>> Connection::connect(Executor executor,
                                                                   std::string conninfo,
                                                                   ConnectOptions options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string message = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    co_return invalid_argument("invalid PostgreSQL connection string: " + one_line(message));
  }
  PQconninfoFree(parsed);

  PGconn* raw = PQconnectStart(conninfo.c_str());
  if (raw == nullptr) {
    co_return unavailable("could not allocate a PostgreSQL connection");
  }
  std::unique_ptr<Connection> conn(new Connection(std::move(executor), raw, options));
  if (PQstatus(raw) == CONNECTION_BAD) {
    co_return conn->mark_broken("could not connect to PostgreSQL");
  }
  auto deadline = Clock::now() + options.connect_timeout;
  // Per libpq's contract, behave as if PQconnectPoll had returned WRITING first.
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) {
      co_return conn->mark_broken("could not connect to PostgreSQL");
    }
    // libpq may switch sockets between polls (several hosts, SSL fallback), and a new
    // socket can reuse the old fd number, so register afresh on every round.
    if (Status bound = conn->rebind_socket(); !bound.ok()) {
      co_return bound.error();
    }
    Wait ready = co_await conn->wait(state == PGRES_POLLING_WRITING, deadline);
    if (ready == Wait::kTimeout) {
      co_return unavailable("connecting to PostgreSQL timed out after " +
                            std::to_string(options.connect_timeout.count()) + " ms");
    }
    if (ready == Wait::kFailed) {
      co_return Error(Code::kCancelled, "connecting to PostgreSQL was cancelled");
    }
    state = PQconnectPoll(raw);
  }
  if (Status bound = conn->rebind_socket(); !bound.ok()) {
    co_return bound.error();
  }
  if (PQsetnonblocking(raw, 1) != 0) {
    co_return conn->mark_broken("could not make the PostgreSQL connection non-blocking");
  }
  co_return std::move(conn);
}

Status Connection::rebind_socket() {
  int fd = PQsocket(conn_);
  if (fd < 0) {
    return mark_broken("PostgreSQL connection has no socket");
  }
  if (socket_.is_open()) {
    socket_.release();
  }
  boost::system::error_code ec;
  socket_.assign(fd, ec);
  if (ec) {
    return mark_broken("could not watch the PostgreSQL socket: " + ec.message());
  }
  return ok_status();
}

Error Connection::mark_broken(std::string_view what) {
  broken_ = true;
  return connection_error(what, conn_);
}

bool Connection::broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

bool Connection::in_transaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

std::optional<Connection::Clock::time_point> Connection::deadline_for(Millis timeout) const {
  Millis effective = timeout > Millis::zero() ? timeout : options_.statement_timeout;
  if (effective <= Millis::zero()) {
    return std::nullopt;
  }
  return Clock::now() + effective;
}

Awaitable<Connection::Wait> Connection::wait(bool for_write,
                                             std::optional<Clock::time_point> deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto type = for_write ? stream_descriptor::wait_write : stream_descriptor::wait_read;
  if (!deadline) {
    auto [ec] = co_await socket_.async_wait(type, as_tuple(use_awaitable));
    co_return ec ? Wait::kFailed : Wait::kReady;
  }
  asio::steady_timer timer(socket_.get_executor(), *deadline);
  auto outcome = co_await (socket_.async_wait(type, as_tuple(use_awaitable)) ||
                           timer.async_wait(as_tuple(use_awaitable)));
  if (outcome.index() == 0) {
    auto [ec] = std::get<0>(outcome);
    co_return ec ? Wait::kFailed : Wait::kReady;
  }
  // The timer "won": either it expired, or the whole coroutine is being cancelled.
  auto [ec] = std::get<1>(outcome);
  co_return ec ? Wait::kFailed : Wait::kTimeout;
}

static void send_cancel_request(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  if (cancel == nullptr) {
    return;
  }
  // PQcancel opens a new connection and blocks until the server accepts the request.
  std::thread([cancel] {
    char error[256];
    PQcancel(cancel, error, sizeof error);
    PQfreeCancel(cancel);
  }).detach();
}

Awaitable<Result<Rows>> Connection::run(bool sent, std::optional<Clock::time_point> deadline) {
  if (!sent) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      co_return mark_broken("could not send query");
    }
    co_return invalid_argument("could not send query: " + one_line(PQerrorMessage(conn_)));
  }
  for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
    if (flushed < 0) {
      co_return mark_broken("could not send query");
    }
    Wait ready = co_await wait(true, deadline);
    if (ready != Wait::kReady) {
      // Half a message is on the wire: the protocol state is unrecoverable.
      broken_ = true;
      co_return ready == Wait::kTimeout ? deadline_exceeded("timed out sending a query")
                                        : Error(Code::kCancelled, "query abandoned");
    }
  }

  last_failure_.reset();
  std::optional<Rows> last;
  std::optional<Error> failure;
  bool cancel_sent = false;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      Wait ready = co_await wait(false, deadline);
      if (ready == Wait::kTimeout) {
        if (cancel_sent) {
          broken_ = true;
          co_return deadline_exceeded(
              "statement timed out and the server did not acknowledge the cancel");
        }
        send_cancel_request(conn_);
        cancel_sent = true;
        deadline = Clock::now() + options_.cancel_grace;
        continue;
      }
      if (ready == Wait::kFailed) {
        // The caller was cancelled mid-query; the reply would confuse the next user.
        broken_ = true;
        send_cancel_request(conn_);
        co_return Error(Code::kCancelled, "query abandoned: the caller was cancelled");
      }
      if (PQconsumeInput(conn_) == 0) {
        co_return mark_broken("lost the connection to PostgreSQL");
      }
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {
      break;
    }
    switch (PQresultStatus(result)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        last.emplace(result);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        PQclear(result);
        broken_ = true;
        co_return unimplemented("COPY is not supported by dts::pg::Connection");
      default:
        if (!failure) {
          failure = error_from_result(result);
          last_failure_.reset(result);
        } else {
          PQclear(result);
        }
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
  }
  if (cancel_sent && !(failure && failure->code() == Code::kDeadlineExceeded)) {
    // The statement finished before our cancel landed; the cancel may still hit whatever
    // runs next on this session, so the connection is not reused.
    broken_ = true;
  }
  if (failure) {
    if (cancel_sent && failure->code() == Code::kDeadlineExceeded) {
      co_return deadline_exceeded("statement timed out: " + failure->message());
    }
    if (broken_ && failure->code() != Code::kUnavailable) {
      co_return unavailable("lost the connection to PostgreSQL: " + failure->message());
    }
    co_return std::move(*failure);
  }
  if (!last) {
    co_return Rows(PQmakeEmptyPGresult(conn_, PGRES_EMPTY_QUERY));
  }
  co_return std::move(*last);
}

Awaitable<Result<Rows>> Connection::query_params(std::string_view sql, Params params,
                                                 Millis timeout) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    co_return in_use();
  }
  if (broken()) {
    co_return unavailable("the PostgreSQL connection is broken");
  }
  std::string text(sql);
  std::vector<const char*> values = values_of(params);
  bool sent = PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0) == 1;
  co_return co_await run(sent, deadline_for(timeout));
}

Awaitable<Result<Rows>> Connection::prepared_params(std::string_view name, std::string_view sql,
                                                    Params params, Millis timeout) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    co_return in_use();
  }
  if (broken()) {
    co_return unavailable("the PostgreSQL connection is broken");
  }
  auto deadline = deadline_for(timeout);
  std::string key(name);
  auto known = prepared_.find(key);
  if (known == prepared_.end()) {
    std::string text(sql);
    bool sent = PQsendPrepare(conn_, key.c_str(), text.c_str(), 0, nullptr) == 1;
    Result<Rows> prepared = co_await run(sent, deadline);
    if (!prepared.ok()) {
      co_return prepared.error();
    }
    prepared_.emplace(key, std::move(text));
  } else if (known->second != sql) {
    co_return invalid_argument("prepared statement '" + key + "' reused with different SQL");
  }
  std::vector<const char*> values = values_of(params);
  bool sent = PQsendQueryPrepared(conn_, key.c_str(), static_cast<int>(values.size()),
                                  values.data(), nullptr, nullptr, 0) == 1;
  co_return co_await run(sent, deadline);
}

Awaitable<Result<Rows>> Connection::execute(std::string_view script, Millis timeout) {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    co_return in_use();
  }
  if (broken()) {
    co_return unavailable("the PostgreSQL connection is broken");
  }
  std::string text(script);
  bool sent = PQsendQuery(conn_, text.c_str()) == 1;
  co_return co_await run(sent, deadline_for(timeout));
}

bool Connection::check_idle() {
  if (broken() || busy_) {
    return false;
  }
  // A server going down sends an ErrorResponse and then EOF; a few rounds see both.
  for (int round = 0; round < 4; ++round) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (::poll(&pfd, 1, 0) <= 0) {
      break;
    }
    if (PQconsumeInput(conn_) == 0) {
      broken_ = true;
      return false;
    }
    while (PGnotify* n = PQnotifies(conn_)) {
      PQfreemem(n);  // pooled connections do not LISTEN; stray notifications are dropped.
    }
  }
  return !broken() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Awaitable<Status> Connection::wait_for_input() {
  BusyGuard guard(busy_);
  if (!guard.acquired()) {
    co_return in_use();
  }
  if (broken()) {
    co_return unavailable("the PostgreSQL connection is broken");
  }
  Wait ready = co_await wait(false, std::nullopt);
  if (ready != Wait::kReady) {
    co_return Error(Code::kCancelled, "wait for notifications cancelled");
  }
  if (PQconsumeInput(conn_) == 0) {
    co_return mark_broken("lost the connection to PostgreSQL");
  }
  co_return ok_status();
}

void Connection::cancel_wait() {
  if (socket_.is_open()) {
    socket_.cancel();
  }
}

std::vector<Notification> Connection::take_notifications() {
  std::vector<Notification> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname, n->extra != nullptr ? n->extra : "", n->be_pid});
    PQfreemem(n);
  }
  return out;
}

}  // namespace dts::pg
