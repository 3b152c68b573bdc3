#!/usr/bin/env bash
# Side by side on loopback: the mock_org/api HTTP server (bench_api_serve_fixed, one io thread) against nginx
# (one worker) serving the same one-row SOQL query body as a static file. Each server is pinned to CPU 0,
# wrk to CPU 1; `wrk -t1 -c32 -d10s --latency` against each in turn. Prints requests/s, p99 latency and the
# ratio ours/nginx (target: >= 1).
#
# Usage: bench/mock_org/api/serve_vs_nginx.sh [BUILD_DIR] [DURATION] [ROUNDS]   (defaults: build/release, 10s, 2)
# Needs: scripts/setup-bench.sh (nginx, wrk) and a built bin/bench_api_serve_fixed.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$repo/build/release}"
duration="${2:-10s}"
rounds="${3:-2}"
server_bin="$build/bin/bench_api_serve_fixed"
pushsim_bin="$build/bin/pushsim"
# MODE=serve (default): `pushsim serve` (world, REST handler, SOQL) answering a one-row SOQL query.
# MODE=fixed: the bare HTTP server with a fixed body (isolates the socket layer).
mode="${MODE:-serve}"
token=bench-token
server_cpu=0
client_cpu=1
connections=32

for tool in nginx wrk taskset; do
  command -v "$tool" >/dev/null 2>&1 || { echo "serve_vs_nginx.sh: $tool missing; run scripts/setup-bench.sh" >&2; exit 1; }
done
[ -x "$server_bin" ] || { echo "serve_vs_nginx.sh: $server_bin missing; build the release preset" >&2; exit 1; }

work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "serve_vs_nginx.sh: nothing listens on port $1" >&2
  exit 1
}

# --- ours ---
ours_port="$(free_port)"
mkdir -p "$work/www/services/data/v60.0"
if [ "$mode" = serve ]; then
  target="/services/data/v60.0/query?q=SELECT+Id,Name,NamespacePrefix+FROM+MetadataPackage"
  taskset -c "$server_cpu" "$pushsim_bin" serve --port "$ours_port" --token "$token" --set '/platform/faults={}' \
    --set '/platform/api={"daily_requests_max": 1000000000000}' > "$work/ours.json" &
  pids+=($!)
  wait_port "$ours_port"
  # Same bytes for both servers: nginx serves the answer of pushsim serve as a static file at the same path.
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$ours_port$target" > "$work/www/services/data/v60.0/query"
else
  target="/services/data/v60.0/query"
  "$server_bin" --print-body > "$work/www/services/data/v60.0/query"
  taskset -c "$server_cpu" "$server_bin" --port "$ours_port" > "$work/ours.json" &
  pids+=($!)
  wait_port "$ours_port"
fi
chmod -R a+rX "$work/www"

# --- nginx: one worker, no access log, keep-alive without a request cap ---
nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    default_type application/json;
    types { }
  }
}
CONF
# nginx's master stays off the measured core; its one worker is pinned to server_cpu after it starts.
nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
wait_port "$nginx_port"
for w in $(pgrep -P "${pids[-1]}"); do taskset -pc "$server_cpu" "$w" >/dev/null; done


run_wrk() {  # url -> "requests_per_s p99"
  taskset -c "$client_cpu" wrk -t1 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$1" > "$work/wrk.out"
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/wrk.out")"
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "serve_vs_nginx.sh: non-2xx answers from $1" >&2; cat "$work/wrk.out" >&2; exit 1; fi
  echo "$rps $p99"
}

# Warm both, then measure.
taskset -c "$client_cpu" wrk -t1 -c"$connections" -d1s -H "Authorization: Bearer $token" "http://127.0.0.1:$nginx_port$target" >/dev/null
taskset -c "$client_cpu" wrk -t1 -c"$connections" -d1s -H "Authorization: Bearer $token" "http://127.0.0.1:$ours_port$target" >/dev/null
# Alternate the two servers so that load from other processes on this shared machine hits both alike.
nginx_sum=0; ours_sum=0
for round in $(seq 1 "$rounds"); do
  read -r nginx_rps nginx_p99 < <(run_wrk "http://127.0.0.1:$nginx_port$target")
  read -r ours_rps ours_p99 < <(run_wrk "http://127.0.0.1:$ours_port$target")
  printf 'round %d: nginx %10s req/s (p99 %s)   ours %10s req/s (p99 %s)\n' "$round" "$nginx_rps" "$nginx_p99" "$ours_rps" "$ours_p99"
  nginx_sum="$(awk -v a="$nginx_sum" -v b="$nginx_rps" 'BEGIN { print a + b }')"
  ours_sum="$(awk -v a="$ours_sum" -v b="$ours_rps" 'BEGIN { print a + b }')"
done

echo "body: $(wc -c < "$work/www/services/data/v60.0/query") bytes; target $target; wrk -t1 -c$connections -d$duration on CPU $client_cpu, servers on CPU $server_cpu; $rounds round(s), mean below, p99 of the last round"
awk -v s="$nginx_sum" -v n="$rounds" -v p="$nginx_p99" 'BEGIN { printf "%-28s %12.0f requests/s   p99 %s\n", "nginx (1 worker, static)", s / n, p }'
awk -v s="$ours_sum" -v n="$rounds" -v p="$ours_p99" -v label="pushsim ($mode, 1 io thread)" 'BEGIN { printf "%-28s %12.0f requests/s   p99 %s\n", label, s / n, p }'
awk -v a="$ours_sum" -v b="$nginx_sum" 'BEGIN { printf "ratio ours/nginx: %.2f (target >= 1.00)\n", a / b }'
