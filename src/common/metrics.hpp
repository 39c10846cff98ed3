#pragma once
// Prometheus metrics in the text exposition format 0.0.4 (design.md §4.13: names carry
// units, counters end in `_total`, duration histograms per route and status class).
//
//   metrics::Registry registry;                       // one per process, owned by main
//   auto& served = registry.counter("http_requests_total", "Requests handled",
//                                   {{"route", "/v1/jobs"}, {"status_class", "2xx"}});
//   served.inc();
//   std::string body = registry.render();             // GET /metrics
//   metrics::append_process_metrics(body);
//
// Thread-safety: Counter, Gauge and Histogram are updated lock-free (atomics) from any
// thread. Registry is thread-safe; lookups take a mutex and build one small key, cheap
// enough per request, and hot paths may keep the returned reference instead: it stays
// valid for the Registry's lifetime.
//
// Programming errors abort with a message on stderr (design.md §4.4): an invalid metric or
// label name, a duplicated label name, `le` on a histogram, one name used with two types
// or two bucket layouts, a negative counter increment, unsorted buckets.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dts::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Seconds: .0005 .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10
std::vector<double> default_latency_buckets();

// A monotonically increasing value.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // `v` must be >= 0 (counters never go down; a negative or NaN increment aborts).
  void inc(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into cumulative `le` buckets, plus their sum and count.
class Histogram {
 public:
  // `upper_bounds` must be finite and strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // NaN observations are dropped (they would poison _sum forever).
  void observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per upper bound, then +Inf
    double sum = 0;
    uint64_t count = 0;  // equals cumulative.back()
  };
  // A consistent-enough view: each bucket is read atomically, and count is derived from
  // the buckets so `_count` always equals the +Inf bucket.
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The series `name{labels}`, created on first use. Label order does not matter. `help`
  // of the first registration wins.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       std::vector<double> buckets = default_latency_buckets());

  // Every family sorted by name, HELP and TYPE once per family, series sorted by labels.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, int type);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// Appends the standard process_* families read from /proc/self: resident and virtual
// memory, CPU seconds, open and max file descriptors, start time. Values that cannot be
// read (no /proc) are left out rather than reported as zero.
void append_process_metrics(std::string& out);

// Formats a sample value: integers without a fraction, otherwise the shortest
// round-trip form; NaN, +Inf, -Inf as the format spells them.
std::string format_value(double v);

}  // namespace dts::metrics
