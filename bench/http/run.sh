#!/usr/bin/env bash
# The HTTP kit's hello route vs nginx returning a static 200, same wrk load, same run.
# Usage: bench/http/run.sh BUILD_DIR [DURATION_S] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
duration=${2:-10}
conns=${3:-64}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

nginx_port=18081
kit_port=18082
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location /hello { default_type text/plain; return 200 "hello"; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
"$build/bench/bench_http_hello" "$kit_port" > "$work/kit.log" 2>&1 &
for port in $nginx_port $kit_port; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/hello" >/dev/null && break; sleep 0.1; done
done

run_wrk() {  # prints "requests_per_s p50_ms p99_ms"
  wrk -t2 -c"$conns" -d"${duration}s" --latency "http://127.0.0.1:$1/hello" > "$work/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  echo "$rps $p50 $p99"
}

read -r n_rps n_p50 n_p99 < <(run_wrk $nginx_port)
read -r k_rps k_p50 k_p99 < <(run_wrk $kit_port)
ratio=$(awk -v a="$k_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
echo "| server | req/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| nginx static return | $n_rps | $n_p50 | $n_p99 |"
echo "| dts HTTP kit /hello | $k_rps | $k_p50 | $k_p99 |"
echo "ratio dts/nginx (req/s): $ratio   (wrk -t2 -c$conns -d${duration}s, $(nproc) cores)"
