# push_misuse_lib.sh: helpers of the issue-11 tests (push_misuse_test.sh, push_battery_test.sh), sourced after
# push_lib.sh; needs $pushsim, $src, $tmp. Every process started here is in $children and killed by kill_children
# (the tests' EXIT trap). Everything listens on 127.0.0.1 only; every wait is bounded.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=2.3.2   # the plan's target (scenario package: 2.5.0 is Beta, 1.2.0 deprecated)
children=()
proxy_pid=
proxy_port=

kill_children() {
  local p
  for p in "${children[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${children[@]}"; do wait "$p" 2>/dev/null || true; done
  children=()
  stop_server
}

# isolated CMD...: runs CMD in a subshell of its own (set -e; the processes it started are killed when it ends,
# also on SIGTERM or SIGINT) and returns its exit status: one failing item does not stop the others.
isolated_pid=
isolated() {
  (
    set -e
    trap 'kill_children' EXIT
    trap 'exit 143' TERM INT HUP
    "$@"
  ) &
  isolated_pid=$!
  local st=0
  wait "$isolated_pid" || st=$?
  isolated_pid=
  return $st
}
stop_isolated() {
  if [ -n "$isolated_pid" ]; then kill -TERM "$isolated_pid" 2>/dev/null || true; wait "$isolated_pid" 2>/dev/null || true; fi
}

# alive PID: the process runs (not gone, not a zombie).
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$s" ] && [ "${s:0:1}" != Z ]; }

# wait_bounded PID SECONDS [WHAT]: waits for PID, its exit code in $rc; kills it and fails the test after SECONDS.
wait_bounded() {
  local pid=$1 limit=$2 what=${3:-process $1} i
  for ((i = 0; i < limit * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    fail "$what: still running after $limit s"
  fi
  set +e
  wait "$pid" 2>/dev/null
  rc=$?
  set -e
}

# push_bg NAME ARGS...: `pushsim push ARGS` in the background, stdout in $tmp/NAME.out, stderr in $tmp/NAME.err
# (not a terminal); its pid in $push_pid. Extra environment goes before: env_args=(VAR=value) push_bg ...
env_args=()
push_bg() {
  local name=$1; shift
  env "${env_args[@]}" "$pushsim" push "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  push_pid=$!
  children+=("$push_pid")
}

# push_fg NAME SECONDS ARGS...: push_bg, then wait_bounded; exit code in $rc.
push_fg() {
  local name=$1 limit=$2; shift 2
  push_bg "$name" "$@"
  wait_bounded "$push_pid" "$limit" "$name (pushsim push $*)"
}

# expect_rc NAME CODE [TEXT...]: the last run of NAME exited CODE and its stderr holds every TEXT (fixed strings).
expect_rc() {
  local name=$1 code=$2 t; shift 2
  [ "$rc" -eq "$code" ] || fail "$name: exit $rc, expected $code; stderr: $(tail -n 20 "$tmp/$name.err"); stdout: $(tail -n 5 "$tmp/$name.out")"
  for t in "$@"; do
    grep -qF -- "$t" "$tmp/$name.err" || fail "$name: stderr lacks '$t': $(tail -n 20 "$tmp/$name.err")"
  done
}

# new_world ORGS [SERVE_ARGS...]: a fresh `pushsim serve` (the 22,210-org scenario cut to ORGS orgs, speed 2000)
# behind a fresh logging proxy; writes $tmp/plan.json (4 slots of 250, batches of 50) and the dry run's plan
# $tmp/planned.json. Sets url (the proxy's), direct_url (the server's), token, admin.
new_world() {
  local orgs=$1; shift
  stop_proxy
  stop_server
  now=$(date -u +%Y-%m-%dT%H:%M:00Z)
  rm -f "$tmp/ready"   # start_server waits for this file: not the previous server's
  start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" \
    --set /population/count="$orgs" --speed 2000 "$@"
  children+=("$server_pid")
  direct_url=$url
  start_proxy 0 "${direct_url##*:}"
  url=http://127.0.0.1:$proxy_port
  write_plan "$tmp/plan.json" "$now" 'p["concurrency"]["orgs_per_request"] = 250; p["job_creation"]["batch_size"] = 50'
  push_fg dry 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --dry-run --report-json "$tmp/planned.json"
  expect_rc dry 0
}

# start_proxy LISTEN_PORT TARGET_PORT [DIE_AT]: push_proxy.py logging what the client sends to $tmp/wire.log
# (DIE_AT: see push_proxy.py).
start_proxy() {
  local i
  for ((i = 0; i < 20; i++)); do
    rm -f "$tmp/proxy.port"   # not the previous proxy's port
    python3 "$here/push_proxy.py" "$1" "$2" "$tmp/wire.log" "${3:-0}" >"$tmp/proxy.port" 2>"$tmp/proxy.err" &
    proxy_pid=$!
    children+=("$proxy_pid")
    local j port=
    for ((j = 0; j < 100; j++)); do
      port=$(head -n1 "$tmp/proxy.port" 2>/dev/null || true)
      [[ $port =~ ^[0-9]+$ ]] && break
      alive "$proxy_pid" || break
      sleep 0.05
    done
    if [[ $port =~ ^[0-9]+$ ]]; then proxy_port=$port; return 0; fi
    wait "$proxy_pid" 2>/dev/null || true
    sleep 0.25   # the port is still held (e.g. by a closing connection): try again
  done
  fail "the proxy did not start on port $1: $(cat "$tmp/proxy.err")"
}

# stop_proxy: the instance goes away (connections reset, new ones refused); the server keeps its state.
stop_proxy() {
  if [ -n "$proxy_pid" ]; then kill -KILL "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  proxy_pid=
}

# restart_proxy [DIE_AT]: the instance comes back on the same URL.
restart_proxy() { start_proxy "$proxy_port" "${direct_url##*:}" "${1:-0}"; }

# wire_reset / wire_side_effects: what the client sent through the proxy since wire_reset; side-effecting
# requests are request lines with a method other than GET.
wire_reset() { : >"$tmp/wire.log"; }
wire_side_effects() { grep -aEc '(^|[^A-Za-z])(POST|PATCH|PUT|DELETE) /' "$tmp/wire.log" || true; }

# wire_requests: HTTP requests the client sent through the proxy since wire_reset.
wire_requests() { grep -aoE '(GET|POST|PATCH|PUT|DELETE) /services' "$tmp/wire.log" | wc -l; }

# server_ids: the Ids of every push request and job on the server (see push_truth.py ids).
server_ids() { python3 "$here/push_truth.py" ids "$direct_url" "$token"; }
open_requests() { python3 "$here/push_truth.py" open "$direct_url" "$token" "$version"; }

# check_truth [--planned F --journal J ...]: the issue-11 invariants on the server (see push_truth.py check).
check_truth() { python3 "$here/push_truth.py" check "$direct_url" "$token" adm1n "$version" "$@"; }

# journal_intact J: J exists, is not empty and every line but a torn last one is a JSON object.
journal_intact() {
  python3 - "$1" <<'PY' || fail "journal $1 is not intact"
import json, sys
try:
    lines = open(sys.argv[1], "rb").read().split(b"\n")
except OSError as e:
    sys.exit(f"{e}")
if lines and lines[-1] == b"":
    lines.pop()
if not lines:
    sys.exit("empty journal")
for n, line in enumerate(lines[:-1], 1):
    try:
        assert isinstance(json.loads(line), dict)
    except (ValueError, AssertionError):
        sys.exit(f"line {n} is not a JSON object: {line[:120]!r}")
PY
}

# journal_lines J: lines in J (0 when missing).
journal_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# wait_journal_lines J N SECONDS: waits until J has N lines (fails after SECONDS).
wait_journal_lines() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do [ "$(journal_lines "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  fail "journal $1 has $(journal_lines "$1") lines after $3 s, expected $2"
}
