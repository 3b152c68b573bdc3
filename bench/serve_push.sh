#!/usr/bin/env bash
# serve_push.sh: the real-socket path benchmarked. `pushsim push` against `pushsim serve` on 127.0.0.1 at a high
# speed factor, bounded by a timeout; then the in-process rehearsal of the same world and plan. Prints orgs
# scheduled per wall second, API calls per second (as the server counted them), p99 latency of a status-count
# query sampled every 50 ms while the push runs, and the ratio of push to in-process orgs/s.
# Usage: bench/serve_push.sh PUSHSIM [SCENARIO] [SPEED] [TIMEOUT_S]
#   bench/serve_push.sh build/release/bin/pushsim scenarios/transient_batch_failures_22210.json 20000 600
set -euo pipefail
pushsim=$(realpath "$1")
scenario=${2:-scenarios/transient_batch_failures_22210.json}
speed=${3:-20000}
bound_s=${4:-600}
tmp=$(mktemp -d)
. "$(dirname "$0")/../tests/tools/push_lib.sh"
probe_pid=
trap '[ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null; stop_server; rm -rf "$tmp"' EXIT

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$scenario" --set "/start=\"$now\"" --speed "$speed"
write_plan "$tmp/plan.json" "$now"

# Latency probe: one status-count query every 50 ms until killed; one latency in ms per line.
python3 - "$url" "$token" >"$tmp/latency_ms" <<'PY' &
import sys, time, urllib.request, urllib.parse
url, token = sys.argv[1:3]
q = urllib.parse.quote("SELECT Status, COUNT(Id) FROM PackagePushJob GROUP BY Status")
req = urllib.request.Request(url + "/services/data/v60.0/query?q=" + q, headers={"Authorization": "Bearer " + token})
while True:
    t0 = time.perf_counter()
    try:
        urllib.request.urlopen(req, timeout=30).read()
    except OSError:
        pass  # a seeded fault (503) or the server going away: its latency counts all the same
    print(f"{(time.perf_counter() - t0) * 1000:.3f}", flush=True)
    time.sleep(0.05)
PY
probe_pid=$!

calls_before=$(api_calls)
t0=$(date +%s.%N)
set +e
timeout "$bound_s" "$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" \
  --journal "$tmp/push.journal" --report-json "$tmp/report.json" >"$tmp/push.out" 2>"$tmp/push.err"
rc=$?
set -e
t1=$(date +%s.%N)
kill "$probe_pid" 2>/dev/null || true
probe_pid=
calls=$(( $(api_calls) - calls_before ))
[ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "push: exit $rc (timeout at ${bound_s}s is 124): $(tail -n 5 "$tmp/push.err")"
pushed=$(curl "${admin[@]}" "$url/pushsim/v1/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["platform"]["jobs"])')
stop_server

# The same world and plan in process (sim time, the in-process transport).
"$pushsim" run "$scenario" --set "/start=\"$now\"" --set "/plan=$(cat "$tmp/plan.json")" --json "$tmp/run.json" >/dev/null || true
python3 - "$t0" "$t1" "$calls" "$pushed" "$tmp/latency_ms" "$tmp/run.json" "$speed" <<'PY'
import json, sys
t0, t1, calls, jobs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lat = sorted(float(x) for x in open(sys.argv[5]) if x.strip())
m = json.load(open(sys.argv[6]))["metrics"]
wall = t1 - t0
push_rate = jobs / wall
run_rate = (m["orgs_upgraded"] + m["orgs_failed"]) / max(m["wall_s"], 1e-9)
p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan")
print(f"speed x{sys.argv[7]}: push {wall:.1f} s wall, {jobs} jobs, {push_rate:.0f} orgs/s, {calls / wall:.0f} API calls/s "
      f"({calls} calls), status query p99 {p99:.1f} ms over {len(lat)} samples")
print(f"in process: {m['wall_s']:.2f} s wall, {run_rate:.0f} orgs/s, {m['api_calls']} API calls; "
      f"push/in-process orgs/s = {push_rate / run_rate:.4f}")
PY
