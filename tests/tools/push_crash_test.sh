#!/usr/bin/env bash
# push_crash_test.sh PUSHSIM SOURCE_DIR [KILLS]: kills `pushsim push` with SIGKILL at many points (in 3 runs of 4
# the process kills itself instead of writing its N-th journal line, N random in 2..9, through the test hook
# PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE; in the 4th, a SIGKILL from outside at a random delay), each time continuing
# with `pushsim push --resume`, until the push finishes. Then every eligible org must have exactly one job and no request may be left in Created.
# 2,000 orgs, batches of 50, 500 orgs per request: many side-effecting calls to crash around.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp
kills_min=${3:-60}
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
RANDOM=7
while :; do
  runs=$((runs + 1))
  [ $runs -le 300 ] || fail "the push did not finish after 300 runs"
  args=(push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$journal")
  [ $runs -gt 1 ] && args+=(--resume)
  before=$(lines)
  kill_at=0
  # Every run that is to be killed carries the journal hook, so it never runs far; every 4th also gets a SIGKILL
  # from outside at a random moment, which may land before the hook (between a call and its journal line).
  if [ $kills -lt "$kills_min" ]; then kill_at=$((2 + RANDOM % 8)); fi
  PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=$kill_at "$pushsim" "${args[@]}" >"$tmp/run.out" 2>"$tmp/run.err" &
  push_pid=$!
  if [ $kills -lt "$kills_min" ] && [ $((runs % 4)) -eq 0 ]; then
    # SIGKILL from outside at a random delay (0-40 ms): anywhere, also between a call and its journal line.
    sleep "0.$(printf '%03d' $((RANDOM % 40)))"
    kill -KILL "$push_pid" 2>/dev/null || true
  fi
  set +e
  wait "$push_pid" 2>/dev/null; rc=$?
  set -e
  push_pid=
  if [ $rc -eq 137 ]; then
    kills=$((kills + 1))
    echo "kill $kills: $([ $((runs % 4)) -eq 0 ] && echo "SIGKILL from outside or" ) before journal line $kill_at of the run, journal lines $before -> $(lines)"
    continue
  fi
  [ $rc -eq 0 ] || fail "push run $runs: exit $rc: $(tail -n 20 "$tmp/run.err")"
  break
done
cat "$tmp/run.out"
echo "kill points $kills, runs $runs, journal lines $(lines)"
[ $kills -ge 20 ] || fail "only $kills kill points (the push finished too early)"
check_jobs "$tmp/planned.json" "$journal" || fail "not exactly once after $kills kills"
echo "push_crash_test: all checks passed"
