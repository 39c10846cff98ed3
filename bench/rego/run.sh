#!/usr/bin/env bash
# Rego engine benchmarks: runs bench_rego and prints a markdown table (mean per decision from
# Google Benchmark, p50/p99 from timing 100k single evaluations). Finishes in about a minute.
#   bench/rego/run.sh BUILD_DIR     (BUILD_DIR configured with -DCMAKE_BUILD_TYPE=Release)
set -euo pipefail
build=${1:-build}
bin=$(find "$build" -type f -name bench_rego | head -1)
[ -x "$bin" ] || { echo "bench_rego not built under $build (ninja -C $build bench_rego)" >&2; exit 1; }
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
# Modest min_time: every case is sub-millisecond, 0.5 s gives tens of thousands of samples.
latency=$("$bin" --benchmark_min_time=0.5 --benchmark_out="$csv" --benchmark_out_format=csv \
  | grep '^LATENCY' || true)
echo "| benchmark | threads | mean per op | decisions/s (all threads) |"
echo "|---|---|---|---|"
# Google Benchmark's CSV: name,iterations,real_time,cpu_time,time_unit,bytes_per_second,
# items_per_second,...; the header line is the one starting with "name".
awk -F, 'go { gsub(/"/, "", $1); split($1, p, "/threads:"); t = p[2] == "" ? 1 : p[2];
  ips = $7 == "" ? "-" : sprintf("%.0f", $7);
  printf "| %s | %s | %.2f %s | %s |\n", p[1], t, $3, $5, ips }
  /^name,/ { go = 1 }' "$csv" | sed 's#/real_time##'
echo
echo "| case | samples | p50 | p99 | p99.9 |"
echo "|---|---|---|---|---|"
echo "$latency" | awk '{ for (i = 3; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
  printf "| %s | %s | %.2f µs | %.2f µs | %.2f µs |\n", $2, v["samples"], v["p50_ns"] / 1000,
    v["p99_ns"] / 1000, v["p999_ns"] / 1000 }'
