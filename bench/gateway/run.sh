#!/usr/bin/env bash
# The gateway as a reverse proxy vs nginx and haproxy, same upstream, same wrk load, same run:
#   1. upstream direct       bench_http_hello (the kit's GET /hello)
#   2. nginx                 proxy_pass with keep-alive to the upstream
#   3. haproxy               http mode, keep-alive to the upstream
#   4. dts gateway           one rule forwarding to a one-target group (no auth)
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

"$build/bench/bench_http_hello" "$up_port" 1 > "$work/up.log" 2>&1 &

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

cat > "$work/gateway.yaml" <<GATEWAY
target_groups:
  - name: hello
    targets: ["127.0.0.1:$up_port"]
    health_check: {path: /healthz, interval: 1s, timeout: 500ms, healthy_threshold: 1}
rules:
  - {name: hello, match: {path: {prefix: /}}, action: {forward: hello}}
GATEWAY
PORT=$gw_port GATEWAY_ADMIN_PORT=$gw_admin GATEWAY_CONFIG="$work/gateway.yaml" \
  POLICY_BUNDLE="$root/policies" HTTP_THREADS=1 LOG_LEVEL=warn \
  "$build/dts" gateway > "$work/gateway.log" 2>&1 &

for port in $up_port $nginx_port $haproxy_port $gw_port; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/hello" >/dev/null && break; sleep 0.1; done
done

run_wrk() {  # prints "requests_per_s p50 p99"
  wrk -t2 -c"$conns" -d"${duration}s" --latency "http://127.0.0.1:$1/hello" > "$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then echo "non-2xx answers on port $1" >&2; fi
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  echo "$rps $p50 $p99"
}

read -r d_rps d_p50 d_p99 < <(run_wrk $up_port)
read -r n_rps n_p50 n_p99 < <(run_wrk $nginx_port)
read -r h_rps h_p50 h_p99 < <(run_wrk $haproxy_port)
read -r g_rps g_p50 g_p99 < <(run_wrk $gw_port)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| path | req/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| upstream direct (bench_http_hello) | $d_rps | $d_p50 | $d_p99 |"
echo "| nginx reverse proxy (keep-alive) | $n_rps | $n_p50 | $n_p99 |"
echo "| haproxy (keep-alive) | $h_rps | $h_p50 | $h_p99 |"
echo "| dts gateway (no auth) | $g_rps | $g_p50 | $g_p99 |"
echo "ratios (req/s): gateway/nginx $(ratio "$g_rps" "$n_rps"), gateway/haproxy $(ratio "$g_rps" "$h_rps"), gateway/direct $(ratio "$g_rps" "$d_rps")"
echo "(wrk -t2 -c$conns -d${duration}s, $(nproc) cores; every proxy and the upstream on 1 worker thread)"
