#!/usr/bin/env bash
# The gateway as a reverse proxy vs nginx and haproxy, same upstream, same wrk load, same run:
#   1. upstream direct       bench_http_hello (the kit's GET /hello)
#   2. nginx                 proxy_pass with keep-alive to the upstream
#   3. haproxy               http mode, keep-alive to the upstream
#   4. dts gateway           one rule forwarding to a one-target group (no auth)
#   5. dts gateway + PEP     a protected rule: RS256 access token verified (cached after the
#                            first request, as in production) and the platform policy
#                            (policies/) deciding, decision cache on (its default 1 s TTL),
#                            X-Dts-* identity headers signed with DTS_INTERNAL_KEY
# Every proxy logs nothing per request (nginx access_log off, haproxy no log, gateway
# LOG_LEVEL=warn), so the comparison is proxying, not logging.
# Usage: bench/gateway/run.sh BUILD_DIR [DURATION_S] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
duration=${2:-10}
conns=${3:-64}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

up_port=18190
nginx_port=18191
haproxy_port=18192
gw_port=18193
gw_admin=18194
issuer_port=18195

"$build/bench/bench_http_hello" "$up_port" 1 > "$work/up.log" 2>&1 &
up_pid=$!

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream hello { server 127.0.0.1:$up_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://hello;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

cat > "$work/haproxy.cfg" <<HAPROXY
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  option forwardfor
frontend fe
  bind 127.0.0.1:$haproxy_port
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:$up_port
HAPROXY
haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
haproxy_pid=$!

"$build/bench/bench_token_issuer" "$issuer_port" "$work/token" "tenant:bench:member" \
  > "$work/issuer.log" 2>&1 &

cat > "$work/gateway.yaml" <<GATEWAY
target_groups:
  - name: hello
    targets: ["127.0.0.1:$up_port"]
    health_check: {path: /healthz, interval: 1s, timeout: 500ms, healthy_threshold: 1}
rules:
  - {name: core, priority: 10, match: {path: {prefix: /api/core}}, protected: true,
     strip_prefix: /api/core, action: {forward: hello}}
  - {name: hello, priority: 20, match: {path: {prefix: /}}, action: {forward: hello}}
GATEWAY
for _ in $(seq 100); do [ -s "$work/token" ] && break; sleep 0.1; done
GATEWAY_JWT_ISSUERS="http://127.0.0.1:$issuer_port/pool" \
  GATEWAY_JWKS_URLS="http://127.0.0.1:$issuer_port/jwks.json" GATEWAY_JWT_CLIENT_IDS=bench \
  GATEWAY_RATE_LIMIT_IP_RPS=0 GATEWAY_RATE_LIMIT_PRINCIPAL_RPS=0 \
  DTS_INTERNAL_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  PORT=$gw_port GATEWAY_ADMIN_PORT=$gw_admin GATEWAY_CONFIG="$work/gateway.yaml" \
  POLICY_BUNDLE="$root/policies" HTTP_THREADS=1 LOG_LEVEL=warn \
  "$build/dts" gateway > "$work/gateway.log" 2>&1 &
gw_pid=$!

for port in $up_port $nginx_port $haproxy_port $gw_port; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/hello" >/dev/null && break; sleep 0.1; done
done

# CPU seconds (user + system) used so far by PID and its children (nginx's worker).
cpu_seconds() {
  local ticks=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

# PID PORT [PATH [HEADER...]]: prints "requests_per_s p50 p99 cpu_us_per_request" where the
# last is the CPU time PID spent per answered request: on a shared 2-core machine the
# fairest comparison (req/s also depends on what else runs; CPU per request much less).
run_wrk() {
  local pid=$1 port=$2 path=${3:-/hello}
  shift $(( $# < 3 ? $# : 3 ))
  local headers=()
  for h in "$@"; do headers+=(-H "$h"); done
  local before after
  before=$(cpu_seconds "$pid")
  wrk -t2 -c"$conns" -d"${duration}s" --latency "${headers[@]}" "http://127.0.0.1:$port$path" \
    > "$work/wrk.txt"
  after=$(cpu_seconds "$pid")
  if grep -q "Non-2xx" "$work/wrk.txt"; then echo "non-2xx answers on port $port$path" >&2; fi
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  total=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  cpu=$(awk -v a="$before" -v b="$after" -v n="$total" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')
  echo "$rps $p50 $p99 $cpu"
}

read -r d_rps d_p50 d_p99 d_cpu < <(run_wrk $up_pid $up_port)
read -r n_rps n_p50 n_p99 n_cpu < <(run_wrk $nginx_pid $nginx_port)
read -r h_rps h_p50 h_p99 h_cpu < <(run_wrk $haproxy_pid $haproxy_port)
read -r g_rps g_p50 g_p99 g_cpu < <(run_wrk $gw_pid $gw_port)
token=$(cat "$work/token")
auth_status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$gw_port/api/core/datasets")
[ "$auth_status" = 200 ] || { echo "protected route answered $auth_status, not 200" >&2; exit 1; }
read -r a_rps a_p50 a_p99 a_cpu < <(run_wrk $gw_pid $gw_port /api/core/datasets \
  "Authorization: Bearer $token")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| path | req/s | p50 | p99 | CPU µs/request (that process) |"
echo "|---|---|---|---|---|"
echo "| upstream direct (bench_http_hello) | $d_rps | $d_p50 | $d_p99 | $d_cpu |"
echo "| nginx reverse proxy (keep-alive) | $n_rps | $n_p50 | $n_p99 | $n_cpu |"
echo "| haproxy (keep-alive) | $h_rps | $h_p50 | $h_p99 | $h_cpu |"
echo "| dts gateway (no auth) | $g_rps | $g_p50 | $g_p99 | $g_cpu |"
echo "| dts gateway (JWT + policy) | $a_rps | $a_p50 | $a_p99 | $a_cpu |"
echo "ratios (req/s): gateway/nginx $(ratio "$g_rps" "$n_rps"), gateway/haproxy $(ratio "$g_rps" "$h_rps"), gateway/direct $(ratio "$g_rps" "$d_rps"), gateway+PEP/nginx $(ratio "$a_rps" "$n_rps"), gateway+PEP/gateway $(ratio "$a_rps" "$g_rps")"
echo "CPU per request: gateway/nginx $(ratio "$g_cpu" "$n_cpu"), gateway+PEP/nginx $(ratio "$a_cpu" "$n_cpu"), PEP adds $(awk -v a="$a_cpu" -v g="$g_cpu" 'BEGIN { printf "%.1f", a - g }') µs"
echo "(wrk -t2 -c$conns -d${duration}s, $(nproc) cores; every proxy and the upstream on 1 worker thread)"
