#!/usr/bin/env bash
# push_crash_test.sh PUSHSIM SOURCE_DIR: kills `pushsim push` with SIGKILL at many points (after N journal lines,
# N spread over the whole run, and at random delays), each time continuing with `pushsim push --resume`, until
# the push finishes. Then every eligible org must have exactly one job and no request may be left in Created.
# 2,000 orgs, batches of 50, 500 orgs per request: many side-effecting calls to crash around.
set -euo pipefail
pushsim=$1
src=$2
kills_min=${3:-24}
tmp=$(mktemp -d)
. "$(dirname "$0")/push_lib.sh"
push_pid=
trap 'if [ -n "$push_pid" ]; then kill -KILL "$push_pid" 2>/dev/null || true; fi; stop_server; rm -rf "$tmp"' EXIT

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" \
  --set /population/count=2000 --speed 2000
write_plan "$tmp/plan.json" "$now" 'p["concurrency"]["orgs_per_request"] = 500; p["job_creation"]["batch_size"] = 50'
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --dry-run \
  --report-json "$tmp/planned.json" >/dev/null 2>"$tmp/dry.err" || fail "dry run: $(cat "$tmp/dry.err")"

journal="$tmp/push.journal"
lines() { if [ -f "$journal" ]; then wc -l <"$journal"; else echo 0; fi; }
kills=0
runs=0
rc=
RANDOM=7
while :; do
  runs=$((runs + 1))
  [ $runs -le 200 ] || fail "the push did not finish after 200 runs"
  args=(push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$journal")
  [ $runs -gt 1 ] && args+=(--resume)
  before=$(lines)
  "$pushsim" "${args[@]}" >"$tmp/run.out" 2>"$tmp/run.err" &
  push_pid=$!
  if [ $kills -lt "$kills_min" ]; then
    if [ $((kills % 3)) -eq 2 ]; then
      # At a random delay (0-400 ms).
      sleep "0.$(printf '%03d' $((RANDOM % 400)))"
    else
      # After 1-6 new journal lines (an intent without its result, a result, the begin line, ...).
      target=$((before + 1 + RANDOM % 6))
      while kill -0 "$push_pid" 2>/dev/null && [ "$(lines)" -lt "$target" ]; do sleep 0.005; done
    fi
    if kill -KILL "$push_pid" 2>/dev/null; then
      wait "$push_pid" 2>/dev/null || true
      push_pid=
      kills=$((kills + 1))
      echo "kill $kills: journal lines $before -> $(lines)"
      continue
    fi
  fi
  set +e
  wait "$push_pid"; rc=$?
  set -e
  push_pid=
  [ $rc -eq 0 ] || fail "push run $runs: exit $rc: $(tail -n 20 "$tmp/run.err")"
  break
done
cat "$tmp/run.out"
echo "kill points $kills, runs $runs, journal lines $(lines)"
[ $kills -ge 20 ] || fail "only $kills kill points (the push finished too early)"
check_jobs "$tmp/planned.json" || fail "not exactly once after $kills kills"
echo "push_crash_test: all checks passed"
