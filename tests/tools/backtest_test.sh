#!/usr/bin/env bash
# backtest_test.sh PUSHSIM SOURCE_DIR: a push history made for real over loopback, then backtested.
# 1. `pushsim serve` the 2,400-org hotfix scenario, `pushsim push` 2.3.2 to it (two push requests, no retries),
#    read the server's ground truth (GET /pushsim/v1/truth) and `pushsim snapshot --history 5`: the history files
#    hold every request, one job per pushed org, Failed exactly where the truth says, with the truth's ErrorType
#    (history_truth.py).
# 2. `pushsim backtest` of each request on that history: the actual failed count, per ErrorType and per org, is
#    the truth's for that request; the scores are well-formed (backtest_check.py); the same seed gives the same
#    scores whatever --jobs.
# 3. Bad input (an unknown or malformed request id, a missing folder, bad --replications): exit 2, a message
#    saying why (an unknown id lists the requests that exist), nothing written.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/hotfix_revenue_rollup.json" --set "/start=\"$now\"" \
  --set '/plan/deadline="2099-01-01T00:00:00Z"' --speed 2000
write_plan "$tmp/plan.json" "$now" 'p["concurrency"]["orgs_per_request"] = 1500'
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/push.journal" \
  >"$tmp/push.out" 2>"$tmp/push.err" || fail "push: $(tail -n 20 "$tmp/push.out" "$tmp/push.err")"
curl "${admin[@]}" "$url/pushsim/v1/truth" >"$tmp/truth.json" || fail "GET truth"
mkdir "$tmp/history"
"$pushsim" snapshot --instance-url "$url" --token "$token" --history 5 --out "$tmp/history" >"$tmp/snap.out" 2>"$tmp/snap.err" \
  || fail "snapshot: $(cat "$tmp/snap.out" "$tmp/snap.err")"
stop_server
python3 "$(dirname "$0")/history_truth.py" "$tmp/history" "$tmp/truth.json" "$tmp/failed_by_request.json"

scenario="$src/scenarios/hotfix_revenue_rollup.json"
backtest() { "$pushsim" backtest --history "$tmp/history" --scenario "$scenario" "$@"; }
for request in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$tmp/failed_by_request.json"); do
  backtest --request "$request" --replications 30 --jobs 2 --json "$tmp/bt.json" >"$tmp/bt.out" 2>"$tmp/bt.err" \
    || fail "backtest $request: $(cat "$tmp/bt.out" "$tmp/bt.err")"
  python3 "$(dirname "$0")/backtest_check.py" "$tmp/bt.json" "$tmp/failed_by_request.json" "$tmp/truth.json" "$tmp/history"
done
cat "$tmp/bt.out"
backtest --request "$request" --replications 30 --jobs 1 --json "$tmp/bt1.json" >/dev/null 2>&1 || fail "backtest --jobs 1"
cmp -s "$tmp/bt.json" "$tmp/bt1.json" || fail "the scores depend on --jobs"

# expect_bad WHAT PATTERN ARGS...: the backtest exits 2, says PATTERN on stderr, writes no --json.
expect_bad() {
  local what=$1 pattern=$2
  shift 2
  rm -f "$tmp/bad.json"
  set +e
  "$pushsim" backtest "$@" --json "$tmp/bad.json" >"$tmp/bad.out" 2>"$tmp/bad.err"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2 ($(cat "$tmp/bad.err"))"
  grep -q -- "$pattern" "$tmp/bad.err" || fail "$what: the message does not say '$pattern': $(cat "$tmp/bad.err")"
  [ ! -e "$tmp/bad.json" ] || fail "$what: --json was written"
  echo "$what: exit 2: $(head -n1 "$tmp/bad.err")"
}
expect_bad "an unknown request" "${request:0:15}" --history "$tmp/history" --request 0DV3g0000000077GAA
expect_bad "a malformed request id" "not a PackagePushRequest id" --history "$tmp/history" --request 0DX3g0000000001
expect_bad "a missing folder" "no such folder" --history "$tmp/nowhere" --request "$request"
expect_bad "one replication" "expected 2 to 10000000" --history "$tmp/history" --request "$request" --replications 1
expect_bad "a word for replications" "replications" --history "$tmp/history" --request "$request" --replications many
echo "backtest_test: all checks passed"
