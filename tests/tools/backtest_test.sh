#!/usr/bin/env bash
# backtest_test.sh PUSHSIM SOURCE_DIR: a push history made for real over loopback, then backtested.
# 1. `pushsim serve` the 2,400-org hotfix scenario, `pushsim push` 2.3.2 to it (two push requests, no retries),
#    read the server's ground truth (GET /pushsim/v1/truth) and `pushsim snapshot --history 5`: the history files
#    hold every request, one job per pushed org, Failed exactly where the truth says, with the truth's ErrorType
#    (history_truth.py).
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
. "$(dirname "$0")/push_lib.sh"
trap 'stop_server; rm -rf "$tmp"' EXIT

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
echo "backtest_test: all checks passed"
