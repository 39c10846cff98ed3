// Rego engine benchmarks: compile time of a large generated policy, per-decision latency of
// three realistic policies through a PreparedQuery, and multi-thread throughput.
//
// Google Benchmark reports means; a PDP's budget is a tail latency, so after the benchmarks
// every policy is also timed one evaluation at a time (kLatencySamples evaluations, sorted)
// and printed as `LATENCY <case> p50_ns=... p99_ns=... p999_ns=...` lines (bench/rego/run.sh
// turns both into a markdown table).
//
//   bench/rego/run.sh build-bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rego/engine.hpp"

namespace {

using dts::rego::Engine;
using dts::rego::PreparedQuery;
using dts::rego::Value;

constexpr int kLargeRules = 1000;
constexpr int kLatencySamples = 100'000;

// REGO_BENCH_LATENCY_SAMPLES overrides the sample count (0 skips the latency pass), so a
// profiler run under callgrind measures only the selected benchmark.
int latency_samples() {
  const char* env = std::getenv("REGO_BENCH_LATENCY_SAMPLES");
  return env != nullptr ? std::atoi(env) : kLatencySamples;
}

// 1,000 rules of three shapes, as a generated route table would look: plain equality tests,
// an existential `some ... in` over the caller's roles, and a universal `every`. All rules
// share the `input.path` equality test first, which is what rule indexing keys on.
std::string large_policy() {
  std::string src = "package bench.large\nimport rego.v1\n\ndefault allow := false\n\n";
  for (int i = 0; i < kLargeRules; ++i) {
    std::string path = "\"/api/r" + std::to_string(i) + "\"";
    switch (i % 3) {
      case 0:
        src += "allow if {\n  input.path == " + path +
               "\n  input.method == \"GET\"\n  input.user.dept == \"d" + std::to_string(i % 10) +
               "\"\n  input.user.level >= " + std::to_string(i % 5) + "\n}\n\n";
        break;
      case 1:
        src += "allow if {\n  input.path == " + path +
               "\n  input.method == \"POST\"\n  some r in input.user.roles\n  r == \"role" +
               std::to_string(i % 20) + "\"\n}\n\n";
        break;
      default:
        src += "allow if {\n  input.path == " + path +
               "\n  input.method == \"DELETE\"\n  every r in input.user.roles {\n"
               "    startswith(r, \"role\")\n  }\n  not input.user.suspended\n}\n\n";
        break;
    }
  }
  return src;
}

// Matches rule 502 (a `some ... in` rule needing "role2") — one of 1,000, deep in the file.
const char* const kLargeInput =
    R"({"path":"/api/r502","method":"POST","user":{"dept":"d1","level":3,)"
    R"("roles":["role0","role2","role21"],"suspended":false}})";

const char* const kRbacPolicy = R"(package bench.rbac
import rego.v1

default allow := false

allow if {
  some role in data.user_roles[input.user]
  some p in data.role_perms[role]
  p.action == input.action
  p.resource == input.resource
}
)";

// 1,000 users with 2-3 roles each; 50 roles with 10 permissions each. The input asks for
// the last permission of the user's last role, so the evaluator walks both lists.
std::string rbac_data() {
  std::string json = R"({"user_roles":{)";
  for (int u = 0; u < 1000; ++u) {
    json += (u ? "," : "") + std::string("\"u") + std::to_string(u) + "\":[";
    int n = 2 + u % 2;
    for (int k = 0; k < n; ++k) {
      json += (k ? "," : "") + std::string("\"role") + std::to_string((u + k * 7) % 50) + "\"";
    }
    json += "]";
  }
  json += R"(},"role_perms":{)";
  const char* const actions[] = {"read", "write", "delete", "list", "admin"};
  for (int r = 0; r < 50; ++r) {
    json += (r ? "," : "") + std::string("\"role") + std::to_string(r) + "\":[";
    for (int k = 0; k < 10; ++k) {
      json += (k ? "," : "") + std::string(R"({"action":")") + actions[k % 5] +
              R"(","resource":"doc)" + std::to_string(r * 10 + k) + "\"}";
    }
    json += "]";
  }
  return json + "}}";
}

// u42 has roles role42 and role49 (42 + 7); role49's last permission is admin on doc499.
const char* const kRbacInput = R"({"user":"u42","action":"admin","resource":"doc499"})";

// ABAC over JWT-like claims: issuer, tenant match, a validity window against a caller-supplied
// clock (so the decision is reproducible), group prefix, and a resource path glob.
const char* const kAbacPolicy = R"(package bench.abac
import rego.v1

default allow := false

trusted_issuers := {"https://id.dts.example", "https://cognito.example/pool1"}

valid_token(c) if {
  c.iss in trusted_issuers
  c.nbf <= input.now
  input.now < c.exp
}

allow if {
  c := input.token.claims
  valid_token(c)
  c.tenant == input.resource.tenant
  some g in c.groups
  startswith(g, "eng-")
  glob.match("api/*/datasets/**", ["/"], input.resource.path)
  input.action in {"read", "list"}
}
)";

const char* const kAbacInput =
    R"({"now":1767225600,"action":"read",)"
    R"("resource":{"tenant":"t-acme","path":"api/v1/datasets/ds-42/files/a.csv"},)"
    R"("token":{"claims":{"iss":"https://id.dts.example","sub":"alice","tenant":"t-acme",)"
    R"("nbf":1767220000,"exp":1767229200,"groups":["staff","billing-ro","eng-data"]}}})";

Value parse_json(const std::string& text) {
  auto value = Value::from_json(text);
  if (!value.ok()) {
    std::fprintf(stderr, "bad benchmark JSON\n");
    std::abort();
  }
  return std::move(value).value();
}

// Builds a prepared `data.<pkg>.allow` query; aborts on any error because a benchmark of a
// policy that does not compile measures nothing.
std::shared_ptr<const PreparedQuery> prepare(const std::string& source, const std::string& data,
                                             const std::string& query) {
  Engine engine;
  auto errors = engine.add_module("bench.rego", source);
  if (errors.empty() && !data.empty()) {
    if (!engine.add_data(parse_json(data)).ok()) {
      std::fprintf(stderr, "add_data failed\n");
      std::abort();
    }
  }
  auto prepared = errors.empty() ? engine.prepare(query, errors) : nullptr;
  if (prepared == nullptr) {
    std::fprintf(stderr, "%s\n", dts::rego::format_errors(errors).c_str());
    std::abort();
  }
  return prepared;
}

struct Case {
  std::shared_ptr<const PreparedQuery> query;
  std::optional<Value> input;
};

// Checks the decision once: every case is built so that `allow` is true, and a benchmark
// that silently measured the `default allow := false` path would flatter the engine.
Case make_case(const std::string& source, const std::string& data, const std::string& query,
               const char* input) {
  Case c{prepare(source, data, query), parse_json(input)};
  auto outcome = c.query->eval(c.input);
  auto value = outcome.first_value();
  if (!outcome.ok() || !value || !value->is_true()) {
    std::fprintf(stderr, "benchmark case %s does not allow\n", query.c_str());
    std::abort();
  }
  return c;
}

const Case& rbac_case() {
  static const Case c = make_case(kRbacPolicy, rbac_data(), "data.bench.rbac.allow", kRbacInput);
  return c;
}

const Case& abac_case() {
  static const Case c = make_case(kAbacPolicy, "", "data.bench.abac.allow", kAbacInput);
  return c;
}

const Case& large_case() {
  static const Case c = make_case(large_policy(), "", "data.bench.large.allow", kLargeInput);
  return c;
}

void BM_CompileLarge1000(benchmark::State& state) {
  const std::string source = large_policy();
  for (auto _ : state) {
    Engine engine;
    auto errors = engine.add_module("large.rego", source);
    auto prepared = engine.prepare("data.bench.large.allow", errors);
    benchmark::DoNotOptimize(prepared);
  }
  state.counters["bytes"] = static_cast<double>(source.size());
}

void run_eval(benchmark::State& state, const Case& c) {
  for (auto _ : state) {
    auto outcome = c.query->eval(c.input);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());  // items = decisions
}

void BM_EvalRbac(benchmark::State& state) { run_eval(state, rbac_case()); }
void BM_EvalAbac(benchmark::State& state) { run_eval(state, abac_case()); }
void BM_EvalLarge1000(benchmark::State& state) { run_eval(state, large_case()); }

BENCHMARK(BM_CompileLarge1000)->Unit(benchmark::kMillisecond);
// Real time, so items_per_second with 2 threads is decisions/s of the whole process.
BENCHMARK(BM_EvalRbac)->Unit(benchmark::kMicrosecond)->UseRealTime()->Threads(1)->Threads(2);
BENCHMARK(BM_EvalAbac)->Unit(benchmark::kMicrosecond)->UseRealTime()->Threads(1)->Threads(2);
BENCHMARK(BM_EvalLarge1000)->Unit(benchmark::kMicrosecond)->UseRealTime()->Threads(1)->Threads(2);

void print_latency(const char* name, const Case& c) {
  using Clock = std::chrono::steady_clock;
  const int samples = latency_samples();
  if (samples <= 0) return;
  for (int i = 0; i < 1000; ++i) {  // warm caches and allocator before sampling
    benchmark::DoNotOptimize(c.query->eval(c.input));
  }
  std::vector<int64_t> ns(static_cast<size_t>(samples));
  for (auto& sample : ns) {
    auto start = Clock::now();
    auto outcome = c.query->eval(c.input);
    auto stop = Clock::now();
    benchmark::DoNotOptimize(outcome);
    sample = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
  }
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return ns[static_cast<size_t>(q * (ns.size() - 1))]; };
  std::printf("LATENCY %s samples=%d p50_ns=%lld p99_ns=%lld p999_ns=%lld max_ns=%lld\n", name,
              samples, static_cast<long long>(at(0.50)), static_cast<long long>(at(0.99)),
              static_cast<long long>(at(0.999)), static_cast<long long>(ns.back()));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  // Built before the timed runs so the one-time setup is not charged to the first benchmark.
  rbac_case();
  abac_case();
  large_case();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::fflush(stdout);
  print_latency("rbac", rbac_case());
  print_latency("abac", abac_case());
  print_latency("large1000", large_case());
  return 0;
}
