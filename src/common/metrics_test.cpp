#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <thread>

namespace dts::metrics {
namespace {

TEST(MetricsFormat, Values) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(-2), "-2");
  EXPECT_EQ(format_value(1048576), "1048576");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(0.00001), "1e-05");
  EXPECT_EQ(format_value(123.456), "123.456");
  EXPECT_EQ(format_value(-0.1), "-0.1");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(MetricsRegistry, CounterExposition) {
  Registry r;
  r.counter("http_requests_total", "Requests handled", {{"route", "/b"}, {"method", "GET"}}).inc();
  r.counter("http_requests_total", "ignored: first help wins", {{"method", "GET"}, {"route", "/a"}})
      .inc(2.5);
  // Same labels in another order: the same series.
  r.counter("http_requests_total", "x", {{"route", "/b"}, {"method", "GET"}}).inc(4);
  r.counter("a_total", "Plain").inc();
  EXPECT_EQ(r.render(),
            "# HELP a_total Plain\n"
            "# TYPE a_total counter\n"
            "a_total 1\n"
            "# HELP http_requests_total Requests handled\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",route=\"/a\"} 2.5\n"
            "http_requests_total{method=\"GET\",route=\"/b\"} 5\n");
}

TEST(MetricsRegistry, SameSeriesSameObject) {
  Registry r;
  Counter& a = r.counter("x_total", "h", {{"k", "v"}, {"j", "w"}});
  Counter& b = r.counter("x_total", "h", {{"j", "w"}, {"k", "v"}});
  Counter& c = r.counter("x_total", "h", {{"k", "other"}, {"j", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  Gauge& g1 = r.gauge("g", "h");
  EXPECT_EQ(&g1, &r.gauge("g", "h"));
  Histogram& h1 = r.histogram("h_seconds", "h", {{"route", "/"}});
  EXPECT_EQ(&h1, &r.histogram("h_seconds", "h", {{"route", "/"}}));
}

TEST(MetricsRegistry, GaugeExposition) {
  Registry r;
  Gauge& g = r.gauge("http_in_flight", "In flight");
  g.set(5);
  g.add(-2);
  g.add(0.5);
  EXPECT_DOUBLE_EQ(g.value(), 3.5);
  r.gauge("queue_depth", "Depth", {{"queue", "jobs"}}).set(-1);
  EXPECT_EQ(r.render(),
            "# HELP http_in_flight In flight\n"
            "# TYPE http_in_flight gauge\n"
            "http_in_flight 3.5\n"
            "# HELP queue_depth Depth\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth{queue=\"jobs\"} -1\n");
}

TEST(MetricsRegistry, HistogramCumulativeBuckets) {
  Registry r;
  Histogram& h = r.histogram("req_seconds", "Latency", {{"route", "/x"}}, {0.1, 0.5, 1});
  for (double v : {0.05, 0.1, 0.3, 0.5, 0.7, 2.0, 3.0}) {
    h.observe(v);
  }
  h.observe(std::nan(""));  // dropped
  Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.count, 7u);
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(r.render(),
            "# HELP req_seconds Latency\n"
            "# TYPE req_seconds histogram\n"
            "req_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "req_seconds_bucket{route=\"/x\",le=\"0.5\"} 4\n"
            "req_seconds_bucket{route=\"/x\",le=\"1\"} 5\n"
            "req_seconds_bucket{route=\"/x\",le=\"+Inf\"} 7\n"
            "req_seconds_sum{route=\"/x\"} 6.65\n"
            "req_seconds_count{route=\"/x\"} 7\n");
}

TEST(MetricsRegistry, HistogramWithoutLabelsAndDefaultBuckets) {
  EXPECT_EQ(default_latency_buckets(),
            (std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                 2.5, 5, 10}));
  Registry r;
  r.histogram("d_seconds", "D", {}, {1, 2}).observe(1.5);
  EXPECT_EQ(r.render(),
            "# HELP d_seconds D\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{le=\"1\"} 0\n"
            "d_seconds_bucket{le=\"2\"} 1\n"
            "d_seconds_bucket{le=\"+Inf\"} 1\n"
            "d_seconds_sum 1.5\n"
            "d_seconds_count 1\n");
  Registry r2;
  r2.histogram("e_seconds", "E").observe(0.003);
  const std::string text = r2.render();
  EXPECT_NE(text.find("e_seconds_bucket{le=\"0.0025\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("e_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("e_seconds_bucket{le=\"10\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  Registry r;
  r.counter("esc_total", "Help with \\ backslash\nand newline and \"quotes\"",
            {{"path", "C:\\dir\n\"quoted\""}})
      .inc();
  EXPECT_EQ(r.render(),
            "# HELP esc_total Help with \\\\ backslash\\nand newline and \"quotes\"\n"
            "# TYPE esc_total counter\n"
            "esc_total{path=\"C:\\\\dir\\n\\\"quoted\\\"\"} 1\n");
}

TEST(MetricsRegistry, ConcurrentUpdatesSum) {
  Registry r;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&r, t] {
      // Half the threads look the series up every time, half cache the reference.
      Counter& cached = r.counter("c_total", "c", {{"k", "v"}});
      for (int i = 0; i < kPerThread; ++i) {
        (t % 2 == 0 ? r.counter("c_total", "c", {{"k", "v"}}) : cached).inc();
        r.gauge("g", "g").add(1);
        r.histogram("h_seconds", "h", {}, {0.5}).observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  const double total = kThreads * kPerThread;
  EXPECT_EQ(r.counter("c_total", "c", {{"k", "v"}}).value(), total);
  EXPECT_EQ(r.gauge("g", "g").value(), total);
  Histogram::Snapshot s = r.histogram("h_seconds", "h", {}, {0.5}).snapshot();
  EXPECT_EQ(s.count, static_cast<uint64_t>(total));
  EXPECT_EQ(s.cumulative[0], static_cast<uint64_t>(total / 2));
  EXPECT_DOUBLE_EQ(s.sum, total / 2 * 0.25 + total / 2 * 1.0);
}

TEST(MetricsRegistry, RenderWhileUpdating) {
  Registry r;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    do {
      r.counter("w_total", "w", {{"n", std::to_string(i++ % 50)}}).inc();
    } while (!stop.load() || i < 1000);
  });
  for (int i = 0; i < 200; ++i) {
    std::istringstream in(r.render());
    std::string line;
    while (std::getline(in, line)) {
      ASSERT_TRUE(line.rfind("# ", 0) == 0 || line.rfind("w_total{n=\"", 0) == 0) << line;
    }
  }
  stop = true;
  writer.join();
  EXPECT_NE(r.render().find("# TYPE w_total counter\n"), std::string::npos);
}

using MetricsDeathTest = ::testing::Test;

TEST_F(MetricsDeathTest, ProgrammingErrorsAbort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Registry r;
        r.counter("x_total", "h");
        r.gauge("x_total", "h");
      },
      "\"x_total\" is registered as a counter, requested as a gauge");
  EXPECT_DEATH(
      {
        Registry r;
        r.counter("bad-name", "h");
      },
      "invalid metric name");
  EXPECT_DEATH(
      {
        Registry r;
        r.counter("x_total", "h", {{"9bad", "v"}});
      },
      "invalid label name");
  EXPECT_DEATH(
      {
        Registry r;
        r.counter("x_total", "h", {{"a", "1"}, {"a", "2"}});
      },
      "duplicate label");
  EXPECT_DEATH(
      {
        Registry r;
        r.histogram("x_seconds", "h", {{"le", "1"}});
      },
      "reserved");
  EXPECT_DEATH(
      {
        Registry r;
        r.histogram("x_seconds", "h", {{"a", "1"}}, {1, 2});
        r.histogram("x_seconds", "h", {{"a", "2"}}, {1, 3});
      },
      "different buckets");
  EXPECT_DEATH({ Histogram h({2, 1}); }, "strictly increasing");
  EXPECT_DEATH(
      {
        Counter c;
        c.inc(-1);
      },
      "must be >= 0");
}

// Parses "name value" lines without labels into a map.
std::map<std::string, double> parse_simple(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const size_t sp = line.find(' ');
    out[line.substr(0, sp)] = std::strtod(line.c_str() + sp + 1, nullptr);
  }
  return out;
}

TEST(MetricsProcess, PresentAndPlausible) {
  std::string out = "existing\n";
  append_process_metrics(out);
  EXPECT_EQ(out.rfind("existing\n", 0), 0u);  // appends, never replaces
  EXPECT_NE(out.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);
  auto m = parse_simple(out);
  for (const char* name :
       {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
        "process_max_fds", "process_start_time_seconds", "process_virtual_memory_bytes"}) {
    ASSERT_TRUE(m.count(name)) << name << " missing in:\n" << out;
  }
  EXPECT_GT(m["process_resident_memory_bytes"], 1024 * 1024);  // a gtest binary is > 1 MiB
  EXPECT_GE(m["process_virtual_memory_bytes"], m["process_resident_memory_bytes"]);
  EXPECT_GE(m["process_cpu_seconds_total"], 0);
  EXPECT_GE(m["process_open_fds"], 3);  // stdin, stdout, stderr
  EXPECT_GE(m["process_max_fds"], m["process_open_fds"]);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(m["process_start_time_seconds"], now + 2);
  EXPECT_GT(m["process_start_time_seconds"], now - 24 * 3600);
}

}  // namespace
}  // namespace dts::metrics
