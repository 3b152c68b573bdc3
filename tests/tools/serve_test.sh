#!/usr/bin/env bash
# serve_test.sh PUSHSIM: end-to-end checks of `pushsim serve` (flags, scenario errors, ready line, admin clock,
# graceful stop). Needs curl and python3 (for JSON). Exits non-zero with a message on the first failure.
set -euo pipefail
pushsim=$1
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json_get() { python3 -c 'import json,sys; v=json.load(sys.stdin); [v:=v[int(k) if k.isdigit() else k] for k in sys.argv[1:]]; print(v if not isinstance(v,bool) else str(v).lower())' "$@"; }

# 1. Bad flags: CLI11 error, exit 2.
set +e
"$pushsim" serve --port notaport >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad --port: exit $rc, expected 2"
"$pushsim" serve --speed -1 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "negative --speed: exit $rc, expected 2"
"$pushsim" serve --status-spelling Running >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "bad --status-spelling: exit $rc, expected 2"
"$pushsim" serve --no-such-flag >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown flag: exit $rc, expected 2"

# 2. Bad scenario: "file: /pointer: message" on stderr, exit 2.
echo '{"name": "x", "seed": -3}' > "$tmp/bad.json"
"$pushsim" serve --scenario "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad scenario: exit $rc, expected 2"
grep -q "bad.json: /seed: " "$tmp/err" || fail "bad scenario: no 'bad.json: /seed: ' line in: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "bad scenario printed to stdout: $(cat "$tmp/out")"
"$pushsim" serve --set /population/count=notanumber >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad --set value: exit $rc, expected 2"
grep -q "/population/count" "$tmp/err" || fail "bad --set value: no pointer in: $(cat "$tmp/err")"
"$pushsim" serve --scenario "$tmp/missing.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "missing scenario file: exit $rc, expected 2"
"$pushsim" serve --set '/platform/faults={"any": {"http_503": 2}}' >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad fault rate: exit $rc, expected 2"
grep -q ": /platform/faults/any/http_503: " "$tmp/err" || fail "bad fault rate: no pointer in: $(cat "$tmp/err")"
set -e

# 3. Ready line.
mkfifo "$tmp/ready"
"$pushsim" serve --port 0 --token t0k3n --admin-token adm1n --speed 1 --set /population/count=200 \
  >"$tmp/ready" 2>"$tmp/serve.err" &
server_pid=$!
read -r -t 60 line <"$tmp/ready" || fail "no ready line within 60 s: $(cat "$tmp/serve.err")"
echo "ready: $line"
port=$(echo "$line" | json_get port)
url=$(echo "$line" | json_get url)
[ "$url" = "http://127.0.0.1:$port" ] || fail "url '$url' does not match port $port"
[ "$(echo "$line" | json_get token)" = "t0k3n" ] || fail "token not echoed"
[ "$(echo "$line" | json_get admin_token)" = "adm1n" ] || fail "admin token not echoed"
[ "$(echo "$line" | json_get orgs)" = "200" ] || fail "orgs is not 200"
echo "$line" | json_get sim_time | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' || fail "sim_time not ISO-8601"

# 4. Admin endpoints: auth, freeze, advance.
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/pushsim/v1/time")
[ "$code" = 401 ] || fail "admin without token: HTTP $code, expected 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer t0k3n' "$url/pushsim/v1/time")
[ "$code" = 401 ] || fail "admin with the API token: HTTP $code, expected 401"
admin=(-s -H 'Authorization: Bearer adm1n' -H 'Content-Type: application/json')
frozen=$(curl "${admin[@]}" -X POST "$url/pushsim/v1/time/freeze" | json_get frozen)
[ "$frozen" = true ] || fail "freeze did not freeze"
t0=$(curl "${admin[@]}" "$url/pushsim/v1/time" | json_get sim_time)
t1=$(curl "${admin[@]}" -X POST -d '{"seconds": 3600}' "$url/pushsim/v1/time/advance" | json_get sim_time)
python3 - "$t0" "$t1" <<'PY' || fail "advance 3600 s: $t0 -> $t1"
import sys, datetime
p = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
d = (p(sys.argv[2]) - p(sys.argv[1])).total_seconds()
sys.exit(0 if d == 3600 else 1)
PY
code=$(curl "${admin[@]}" -o /dev/null -w '%{http_code}' -X POST -d '{"to": "2000-01-01T00:00:00Z"}' "$url/pushsim/v1/time/advance")
[ "$code" = 400 ] || fail "advance into the past: HTTP $code, expected 400"
code=$(curl "${admin[@]}" -o /dev/null -w '%{http_code}' -X POST -d 'nope' "$url/pushsim/v1/time/advance")
[ "$code" = 400 ] || fail "advance with a bad body: HTTP $code, expected 400"
# Out-of-bounds advances are refused with a Salesforce-style body; serve stays up and the clock did not move.
body=$(curl "${admin[@]}" -w '\n%{http_code}' -X POST -d '{"seconds": 1e18}' "$url/pushsim/v1/time/advance")
[ "$(echo "$body" | tail -n1)" = 400 ] || fail "advance 1e18 s: HTTP $(echo "$body" | tail -n1), expected 400"
echo "$body" | head -n1 | json_get 0 errorCode | grep -qx INVALID_FIELD || fail "advance 1e18 s: body $body"
echo "$body" | head -n1 | json_get 0 message | grep -q '^/seconds: ' || fail "advance 1e18 s: message $body"
t2=$(curl "${admin[@]}" "$url/pushsim/v1/time" | json_get sim_time)
[ "$t2" = "$t1" ] || fail "refused advance moved sim time $t1 -> $t2 (or serve is down: $(cat "$tmp/serve.err"))"
code=$(curl "${admin[@]}" -o /dev/null -w '%{http_code}' -X POST -d '{"seconds": 60, "to": "2099-01-01T00:00:00Z"}' "$url/pushsim/v1/time/advance")
[ "$code" = 400 ] || fail "advance with both seconds and to: HTTP $code, expected 400"
curl "${admin[@]}" "$url/pushsim/v1/truth" | json_get summary orgs | grep -qx 200 || fail "truth summary orgs != 200"
curl "${admin[@]}" "$url/pushsim/v1/stats" | json_get server requests_handled >/dev/null || fail "stats lacks requests_handled"
# The API token reaches the REST handler.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer t0k3n' "$url/services/data")
[ "$code" = 200 ] || fail "GET /services/data with the API token: HTTP $code, expected 200"
# Unfrozen, sim time moves with wall time (speed 1000: 0.3 s of wall time is 300 s of sim time).
curl "${admin[@]}" -X POST "$url/pushsim/v1/time/unfreeze" >/dev/null

# 5. SIGTERM: graceful stop, exit 0.
kill -TERM "$server_pid"
set +e
wait "$server_pid"; rc=$?
set -e
server_pid=
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc, expected 0"

# 6. Pacing: at --speed 1000 the clock runs 1000x wall time.
"$pushsim" serve --port 0 --admin-token adm1n --speed 1000 --set /population/count=50 >"$tmp/ready2" 2>"$tmp/serve2.err" &
server_pid=$!
for _ in $(seq 600); do [ -s "$tmp/ready2" ] && break; sleep 0.1; done
line=$(head -n1 "$tmp/ready2")
url=$(echo "$line" | json_get url)
t0=$(curl "${admin[@]}" "$url/pushsim/v1/time" | json_get sim_time)
sleep 1
t1=$(curl "${admin[@]}" "$url/pushsim/v1/time" | json_get sim_time)
python3 - "$t0" "$t1" <<'PY' || fail "speed 1000: 1 s of wall time moved sim time $t0 -> $t1"
import sys, datetime
p = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
d = (p(sys.argv[2]) - p(sys.argv[1])).total_seconds()
sys.exit(0 if 900 <= d <= 60000 else 1)
PY
kill -INT "$server_pid"
set +e
wait "$server_pid"; rc=$?
set -e
server_pid=
[ $rc -eq 0 ] || fail "SIGINT: exit $rc, expected 0"
echo "serve_test: all checks passed"
