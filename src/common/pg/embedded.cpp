#include "common/pg/embedded.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include "common/log.hpp"
#include "common/pg/admin.hpp"
#include "common/pg/detail/process.hpp"

namespace dts::pg {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::size_t kMaxSocketPath = 107;

std::string tail_of(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) {
      last.pop_front();
    }
  }
  std::string out;
  for (const auto& line : last) {
    out += (out.empty() ? "" : " | ") + line;
  }
  return out;
}

Status make_private_dir(const fs::path& dir, const std::optional<detail::Account>& owner) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return internal_error("cannot create " + dir.string() + ": " + ec.message());
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    return internal_error("cannot restrict " + dir.string() + ": " + ec.message());
  }
  if (owner && chown(dir.c_str(), owner->uid, owner->gid) != 0) {
    return internal_error("cannot give " + dir.string() + " to " + owner->name + ": " +
                          std::strerror(errno));
  }
  return ok_status();
}

// The pid on the first line of a postmaster lock file, or 0.
pid_t lock_file_pid(const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return in ? static_cast<pid_t>(pid) : 0;
}

bool is_live_postgres(pid_t pid) {
  if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)) {
    return false;
  }
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name == "postgres" || name == "postmaster";
}

Result<int> free_tcp_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return internal_error("socket failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc == 0) {
    rc = getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  }
  close(fd);
  if (rc != 0) {
    return internal_error("cannot find a free TCP port");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

constexpr const char* kHba =
    "# Written by dts (EmbeddedPostgres). Only the superuser is trusted, and only on the\n"
    "# unix socket, whose directory is private to the server's OS account.\n"
    "local   all   {superuser}   trust\n"
    "local   all   all           scram-sha-256\n"
    "host    all   all   127.0.0.1/32   scram-sha-256\n"
    "host    all   all   ::1/128        scram-sha-256\n";

}  // namespace

Result<fs::path> find_server_bin_dir() {
  fs::path best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    int version = std::atoi(name.c_str());
    fs::path bin = entry.path() / "bin";
    if (version > best_version && fs::exists(bin / "postgres") && fs::exists(bin / "initdb")) {
      best = bin;
      best_version = version;
    }
  }
  if (best_version < 0) {
    return failed_precondition(
        "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install Debian's "
        "postgresql package)");
  }
  return best;
}

EmbeddedPostgres::EmbeddedPostgres(EmbeddedOptions options)
    : options_(std::move(options)),
      data_dir_(fs::absolute(options_.base_dir) / "data"),
      socket_dir_(options_.socket_dir.empty() ? fs::absolute(options_.base_dir) / "run"
                                              : fs::absolute(options_.socket_dir)),
      log_file_(fs::absolute(options_.base_dir) / "postgres.log"),
      port_(options_.port) {}

EmbeddedPostgres::~EmbeddedPostgres() {
  if (Status s = stop(); !s.ok()) {
    log::error("embedded postgres did not stop cleanly", {{"error", s.error().message()}});
  }
}

Error EmbeddedPostgres::with_log(Error error) const {
  return Error(error.code(),
               error.message() + " (" + log_file_.string() + ": " + tail_of(log_file_, 12) + ")");
}

std::string EmbeddedPostgres::conninfo(std::string_view database) const {
  std::string port = std::to_string(port_);
  return make_conninfo({{"host", socket_dir_.string()},
                        {"port", port},
                        {"user", options_.superuser},
                        {"dbname", database}});
}

std::string EmbeddedPostgres::conninfo(std::string_view database, std::string_view user,
                                       std::string_view password) const {
  std::string port = std::to_string(port_);
  return make_conninfo({{"host", socket_dir_.string()},
                        {"port", port},
                        {"user", user},
                        {"password", password},
                        {"dbname", database}});
}

bool EmbeddedPostgres::running() {
  if (pid_ == 0) {
    return false;
  }
  if (detail::wait_exit(pid_, milliseconds(0)).has_value()) {
    pid_ = 0;
    return false;
  }
  return true;
}

Status EmbeddedPostgres::start() {
  if (running()) {
    return ok_status();
  }
  if (bin_dir_.empty()) {
    Result<fs::path> bin =
        options_.bin_dir.empty() ? find_server_bin_dir() : Result<fs::path>(options_.bin_dir);
    if (!bin.ok()) {
      return bin.error();
    }
    bin_dir_ = *bin;
  }
  if (options_.tcp && port_ == 0) {
    Result<int> port = free_tcp_port();
    if (!port.ok()) {
      return port.error();
    }
    port_ = *port;
  }
  if (port_ <= 0) {
    port_ = 5432;  // without TCP the port only names the socket file
  }
  if (Status s = prepare_dirs(); !s.ok()) {
    return s;
  }
  if (!fs::exists(data_dir_ / "PG_VERSION")) {
    if (Status s = init_cluster(); !s.ok()) {
      return s;
    }
  }
  if (Status s = clear_stale_lock(); !s.ok()) {
    return s;
  }
  if (Status s = launch(); !s.ok()) {
    return s;
  }
  return wait_ready();
}

Status EmbeddedPostgres::prepare_dirs() {
  std::string socket_file = (socket_dir_ / (".s.PGSQL." + std::to_string(port_))).string();
  if (socket_file.size() > kMaxSocketPath) {
    return invalid_argument("unix socket path too long (" + std::to_string(socket_file.size()) +
                            " > 107 bytes): " + socket_file + "; choose a shorter socket_dir");
  }
  Result<std::optional<detail::Account>> account = detail::server_account();
  if (!account.ok()) {
    return account.error();
  }
  for (const fs::path& dir : {fs::absolute(options_.base_dir), socket_dir_}) {
    if (Status s = make_private_dir(dir, *account); !s.ok()) {
      return s;
    }
  }
  return ok_status();
}

Status EmbeddedPostgres::init_cluster() {
  Result<std::optional<detail::Account>> account = detail::server_account();
  if (!account.ok()) {
    return account.error();
  }
  std::error_code ec;
  if (fs::exists(data_dir_) && !fs::is_empty(data_dir_, ec)) {
    return failed_precondition(data_dir_.string() +
                               " exists but is not a PostgreSQL cluster (no PG_VERSION)");
  }
  if (Status s = make_private_dir(data_dir_, *account); !s.ok()) {
    return s;
  }
  int log = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  detail::Spawn spec{
      .program = (bin_dir_ / "initdb").string(),
      .args = {"-D", data_dir_.string(), "-U", options_.superuser, "--auth-local=trust",
               "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"},
      .run_as = *account,
      .output_fd = log,
      .working_dir = data_dir_.string()};
  if (!options_.durable) {
    spec.args.push_back("--no-sync");
  }
  Status done = detail::run(spec, options_.start_timeout);
  if (log >= 0) {
    close(log);
  }
  if (!done.ok()) {
    std::string hint;
    if (*account) {
      hint = " (running as root, so the server runs as '" + (*account)->name +
             "': every parent directory of " + data_dir_.string() + " must be searchable by it)";
    }
    return with_log(Error(done.error().code(), "initdb failed: " + done.error().message() + hint));
  }
  std::string hba = kHba;
  hba.replace(hba.find("{superuser}"), 11, options_.superuser);
  std::ofstream out(data_dir_ / "pg_hba.conf", std::ios::trunc);
  out << hba;
  out.close();
  if (!out) {
    return internal_error("cannot write pg_hba.conf in " + data_dir_.string());
  }
  log::info("initialized embedded postgres cluster", {{"data_dir", data_dir_.string()}});
  return ok_status();
}

Status EmbeddedPostgres::clear_stale_lock() {
  fs::path pid_file = data_dir_ / "postmaster.pid";
  if (pid_t old = lock_file_pid(pid_file); fs::exists(pid_file)) {
    // A server orphaned by a crashed parent gets SIGINT and may still be shutting down.
    std::string dir = fs::weakly_canonical(data_dir_).string();
    for (int i = 0; i < 100 && detail::process_in_dir(old, dir); ++i) {
      std::this_thread::sleep_for(milliseconds(30));
    }
    if (detail::process_in_dir(old, dir)) {
      return failed_precondition("a PostgreSQL server (pid " + std::to_string(old) +
                                 ") is already running on " + data_dir_.string());
    }
    log::warn("removing stale postmaster.pid", {{"pid", old}, {"data_dir", data_dir_.string()}});
    fs::remove(pid_file);
  }
  fs::path socket = socket_dir_ / (".s.PGSQL." + std::to_string(port_));
  fs::path socket_lock = socket.string() + ".lock";
  if (fs::exists(socket_lock)) {
    pid_t old = lock_file_pid(socket_lock);
    if (is_live_postgres(old)) {
      return failed_precondition("another PostgreSQL server (pid " + std::to_string(old) +
                                 ") owns the socket " + socket.string());
    }
    std::error_code ec;
    fs::remove(socket_lock, ec);
    fs::remove(socket, ec);
  }
  return ok_status();
}

Status EmbeddedPostgres::launch() {
  Result<std::optional<detail::Account>> account = detail::server_account();
  if (!account.ok()) {
    return account.error();
  }
  int log = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  detail::Spawn spec{
      .program = (bin_dir_ / "postgres").string(),
      .args = {"-D", data_dir_.string(), "-k", socket_dir_.string(), "-p", std::to_string(port_),
               "-c", std::string("listen_addresses=") + (options_.tcp ? "127.0.0.1" : ""), "-c",
               "unix_socket_permissions=0700", "-c", "logging_collector=off"},
      .run_as = *account,
      .output_fd = log,
      .working_dir = data_dir_.string(),
      .parent_death_signal = SIGINT};
  if (!options_.durable) {
    for (const char* s : {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
      spec.args.insert(spec.args.end(), {"-c", s});
    }
  }
  for (const auto& [name, value] : options_.settings) {
    spec.args.insert(spec.args.end(), {"-c", name + "=" + value});
  }
  Result<pid_t> pid = detail::spawn(spec);
  if (log >= 0) {
    close(log);
  }
  if (!pid.ok()) {
    return pid.error();
  }
  pid_ = *pid;
  return ok_status();
}

Status EmbeddedPostgres::wait_ready() {
  std::string info = conninfo("postgres") + " connect_timeout=2";
  auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::optional<int> code = detail::wait_exit(pid_, milliseconds(0))) {
      pid_ = 0;
      return with_log(
          unavailable("postgres exited during start-up with code " + std::to_string(*code)));
    }
    if (PQping(info.c_str()) == PQPING_OK) {
      log::info("embedded postgres ready",
                {{"socket_dir", socket_dir_.string()}, {"port", port_}, {"pid", pid_}});
      return ok_status();
    }
    std::this_thread::sleep_for(milliseconds(25));
  }
  Status stopped = stop();
  (void)stopped;
  return with_log(unavailable("postgres did not become ready within " +
                              std::to_string(options_.start_timeout.count()) + " ms"));
}

Status EmbeddedPostgres::stop() {
  if (pid_ == 0) {
    return ok_status();
  }
  pid_t pid = pid_;
  pid_ = 0;
  // SIGINT = fast shutdown: disconnect clients, checkpoint, exit.
  kill(pid, SIGINT);
  if (detail::wait_exit(pid, options_.stop_timeout)) {
    return ok_status();
  }
  kill(pid, SIGQUIT);  // immediate shutdown; crash recovery on next start
  if (detail::wait_exit(pid, milliseconds(5000))) {
    return deadline_exceeded("postgres needed an immediate shutdown");
  }
  kill(pid, SIGKILL);
  detail::wait_exit(pid, milliseconds(5000));
  return deadline_exceeded("postgres had to be killed");
}

Status EmbeddedPostgres::create_database(std::string_view name) {
  return pg::create_database(conninfo("postgres"), name);
}

Status EmbeddedPostgres::create_service_role(std::string_view service, std::string_view password,
                                             std::string_view database) {
  return pg::create_service_role(conninfo(database), service, password);
}

}  // namespace dts::pg
