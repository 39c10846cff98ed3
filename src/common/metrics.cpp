#include "common/metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dts::metrics {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };

const char* type_name(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "dts::metrics: %s\n", msg.c_str());
  std::abort();
}

bool is_name_start(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
}

bool is_valid_name(std::string_view s, bool allow_colon) {
  if (s.empty() || !is_name_start(s[0], allow_colon)) {
    return false;
  }
  return std::all_of(s.begin() + 1, s.end(), [&](char c) {
    return is_name_start(c, allow_colon) || (c >= '0' && c <= '9');
  });
}

void atomic_add(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

void append_escaped(std::string& out, std::string_view s, bool escape_quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `k1="v1",k2="v2"` sorted by label name: both the series key and its rendered form.
std::string label_text(std::string_view metric, const Labels& labels, bool histogram) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& l : labels) {
    if (!is_valid_name(l.first, false) || l.first.rfind("__", 0) == 0) {
      die("invalid label name \"" + l.first + "\" on " + std::string(metric));
    }
    if (histogram && l.first == "le") {
      die("label \"le\" is reserved on histogram " + std::string(metric));
    }
    sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) {
      if (sorted[i]->first == sorted[i - 1]->first) {
        die("duplicate label \"" + sorted[i]->first + "\" on " + std::string(metric));
      }
      out += ',';
    }
    out += sorted[i]->first;
    out += "=\"";
    append_escaped(out, sorted[i]->second, true);
    out += '"';
  }
  return out;
}

void append_sample(std::string& out, std::string_view name, std::string_view labels,
                   std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string format_value(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  // Counters of bytes and requests are integral; print them without an exponent.
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  // Shortest round-trip digits; fixed notation in the range people read ("0.0005", not
  // "5e-04"), exponent form outside it.
  char buf[400];
  const double mag = std::fabs(v);
  auto [end, ec] = mag >= 1e-4 && mag < 1e15
                       ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

void Counter::inc(double v) {
  if (!(v >= 0)) {
    die("counter increment must be >= 0, got " + format_value(v));
  }
  atomic_add(value_, v);
}

void Gauge::add(double v) { atomic_add(value_, v); }

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && !(bounds_[i] > bounds_[i - 1]))) {
      die("histogram buckets must be finite and strictly increasing");
    }
  }
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::observe(double v) {
  if (std::isnan(v)) {
    return;
  }
  // First bucket whose upper bound is >= v (`le` is inclusive); past the end = +Inf.
  const size_t i =
      static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

struct Registry::Family {
  int type;
  std::string help;
  std::vector<double> buckets;  // histograms only
  // Keyed by the rendered, sorted label text, which also fixes the render order.
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
  std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    if (!is_valid_name(name, true)) {
      die("invalid metric name \"" + std::string(name) + "\"");
    }
    auto f = std::make_unique<Family>();
    f->type = type;
    f->help = std::string(help);
    it = families_.emplace(std::string(name), std::move(f)).first;
  } else if (it->second->type != type) {
    die("\"" + std::string(name) + "\" is registered as a " + type_name(it->second->type) +
        ", requested as a " + type_name(type));
  }
  return *it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = label_text(name, labels, false);
  std::lock_guard lock(mu_);
  auto& series = family(name, help, kCounter).counters[std::move(key)];
  if (!series) {
    series = std::make_unique<Counter>();
  }
  return *series;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = label_text(name, labels, false);
  std::lock_guard lock(mu_);
  auto& series = family(name, help, kGauge).gauges[std::move(key)];
  if (!series) {
    series = std::make_unique<Gauge>();
  }
  return *series;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               std::vector<double> buckets) {
  std::string key = label_text(name, labels, true);
  std::lock_guard lock(mu_);
  Family& f = family(name, help, kHistogram);
  if (f.histograms.empty()) {
    f.buckets = buckets;
  } else if (f.buckets != buckets) {
    // Series of one family with different buckets cannot be aggregated.
    die("histogram \"" + std::string(name) + "\" requested with different buckets");
  }
  auto& series = f.histograms[std::move(key)];
  if (!series) {
    series = std::make_unique<Histogram>(std::move(buckets));
  }
  return *series;
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    append_header(out, name, f->help, type_name(f->type));
    for (const auto& [labels, c] : f->counters) {
      append_sample(out, name, labels, format_value(c->value()));
    }
    for (const auto& [labels, g] : f->gauges) {
      append_sample(out, name, labels, format_value(g->value()));
    }
    const std::string bucket_name = name + "_bucket";
    for (const auto& [labels, h] : f->histograms) {
      const Histogram::Snapshot s = h->snapshot();
      const std::string prefix = labels.empty() ? std::string() : labels + ",";
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        const std::string le =
            i < h->upper_bounds().size() ? format_value(h->upper_bounds()[i]) : "+Inf";
        append_sample(out, bucket_name, prefix + "le=\"" + le + "\"",
                      format_value(static_cast<double>(s.cumulative[i])));
      }
      append_sample(out, name + "_sum", labels, format_value(s.sum));
      append_sample(out, name + "_count", labels, std::to_string(s.count));
    }
  }
  return out;
}

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fields of /proc/self/stat after the command name, which may itself contain spaces and
// parentheses: field N of proc(5) is fields[N - 3].
std::vector<std::string> proc_stat_fields() {
  const std::string stat = read_file("/proc/self/stat");
  const size_t close = stat.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) {
    return fields;
  }
  std::istringstream rest(stat.substr(close + 1));
  std::string f;
  while (rest >> f) {
    fields.push_back(f);
  }
  return fields;
}

double boot_time_seconds() {
  std::istringstream in(read_file("/proc/stat"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) {
      return std::strtod(line.c_str() + 6, nullptr);
    }
  }
  return -1;
}

int count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return -1;
  }
  int n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') {
      ++n;
    }
  }
  closedir(dir);
  return n - 1;  // the directory stream itself was open while counting
}

void append_process_metric(std::string& out, std::string_view name, std::string_view help,
                           std::string_view type, double value) {
  append_header(out, name, help, type);
  append_sample(out, name, "", format_value(value));
}

}  // namespace

void append_process_metrics(std::string& out) {
  const std::vector<std::string> f = proc_stat_fields();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // proc(5): utime=14, stime=15, starttime=22, vsize=23, rss=24.
  if (f.size() >= 22 && ticks > 0) {
    const double cpu =
        (std::strtod(f[14 - 3].c_str(), nullptr) + std::strtod(f[15 - 3].c_str(), nullptr)) / ticks;
    append_process_metric(out, "process_cpu_seconds_total",
                          "Total user and system CPU time spent in seconds.", "counter", cpu);
  }
  const int open_fds = count_open_fds();
  if (open_fds >= 0) {
    append_process_metric(out, "process_open_fds", "Number of open file descriptors.", "gauge",
                          open_fds);
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    append_process_metric(
        out, "process_max_fds", "Maximum number of open file descriptors.", "gauge",
        lim.rlim_cur == RLIM_INFINITY ? INFINITY : static_cast<double>(lim.rlim_cur));
  }
  if (f.size() >= 22) {
    append_process_metric(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
                          "gauge", std::strtod(f[24 - 3].c_str(), nullptr) * page);
  }
  const double btime = boot_time_seconds();
  if (f.size() >= 22 && ticks > 0 && btime >= 0) {
    append_process_metric(out, "process_start_time_seconds",
                          "Start time of the process since unix epoch in seconds.", "gauge",
                          btime + std::strtod(f[22 - 3].c_str(), nullptr) / ticks);
  }
  if (f.size() >= 22) {
    append_process_metric(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                          "gauge", std::strtod(f[23 - 3].c_str(), nullptr));
  }
}

}  // namespace dts::metrics
