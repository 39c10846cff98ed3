#!/usr/bin/env bash
# Idle RSS of each service process and `dts up` cold (initdb) / warm start times.
# Usage: bench/footprint.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:-build}")
root=$(realpath "$(dirname "$0")/..")
home=$(mktemp -d /tmp/dts-bench-XXXX)
services=${DTS_SERVICES:-selftest,policy}
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 1; rm -rf "$home"' EXIT

start_up() {  # sets $elapsed: seconds until "all services ready" (not in a subshell: the
              # supervisor must stay our child so stop_up can wait for it)
  local t0=$(date +%s.%N)
  DTS_HOME=$home DTS_ROOT=$root DTS_SERVICES=$services DTS_PORT_OFFSET=30000 NO_COLOR=1 \
    "$build/dts" up > "$home/up.log" 2>&1 &
  echo $! > "$home/up.pid"
  for _ in $(seq 1200); do
    grep -q "all services ready" "$home/up.log" 2>/dev/null && break
    sleep 0.05
  done
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}
stop_up() { kill -INT "$(cat "$home/up.pid")"; wait "$(cat "$home/up.pid")" || true; }

start_up
cold=$elapsed
sleep 2
echo "| service | idle RSS (MiB) |"
echo "|---|---|"
python_free_rss() {
  for pid_name in $(grep -o '"name":"[a-z]*","url":"[^"]*","pid":[0-9]*' "$home/up.json" |
                    sed -E 's/"name":"([a-z]*)".*"pid":([0-9]*)/\1:\2/'); do
    name=${pid_name%%:*}; pid=${pid_name##*:}
    rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
    echo "| $name | $rss |"
  done
}
python_free_rss
stop_up
start_up
warm=$elapsed
stop_up
echo
echo "dts up cold start (initdb + migrations + services ready): ${cold} s"
echo "dts up warm start (existing cluster): ${warm} s"
