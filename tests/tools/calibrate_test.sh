#!/usr/bin/env bash
# calibrate_test.sh PUSHSIM SOURCE_DIR: `pushsim calibrate` on a history whose truth is known.
# 1. `pushsim serve` runs a 3,000-org world (the 22,210-org scenario, smaller) with platform noise 0.05 (no
#    always-failing orgs, no injected faults); `pushsim push` pushes 2.3.2 to it; `pushsim snapshot --history 1`
#    fetches the request, its jobs and errors. The fitted noise interval must hold the rate the mock's rules give: noise is the last failure rule,
#    so the UnclassifiedError share of ended jobs is 0.05 x (share of jobs no earlier rule failed).
#    The --json file's "platform" object runs unchanged as a scenario's platform section (`pushsim run --set`).
# 2. Bad input: a job row with a bad status (exit 2, file, line and column, nothing written); a history with no
#    ended job (exit 2, the reason); --last-pushes 1 (exit 2).
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" --speed 2000 \
  --set /population/count=3000 \
  --set '/platform/faults={}' --set '/platform/noise={"unclassified_rate": 0.05}' --set /population/mix/always_fails=0
write_plan "$tmp/plan.json" "$now"
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/push.journal" \
  >"$tmp/push.out" 2>"$tmp/push.err" || fail "push: $(tail -n 20 "$tmp/push.out" "$tmp/push.err")"
mkdir "$tmp/snap"
"$pushsim" snapshot --instance-url "$url" --token "$token" --history 1 --out "$tmp/snap" >/dev/null 2>"$tmp/snap.err" \
  || fail "snapshot: $(cat "$tmp/snap.err")"
stop_server

"$pushsim" calibrate "$tmp"/snap/*.json --json "$tmp/platform.json" >"$tmp/cal.out" 2>"$tmp/cal.err" \
  || fail "calibrate: $(cat "$tmp/cal.out" "$tmp/cal.err")"
cat "$tmp/cal.out"
python3 - "$tmp/platform.json" <<'PY' || fail "the fit does not match the served world"
import json, sys
f = json.load(open(sys.argv[1]))
assert set(f) == {"platform", "evidence"}, f.keys()
assert set(f["platform"]) == {"noise"} and set(f["platform"]["noise"]) == {
    "unclassified_rate", "lock_base_rate", "lock_rate_per_active_user"}, f["platform"]
e = f["evidence"]
noise = e["noise"]
assert e["jobs_ended"] > 1500, e["jobs_ended"]
assert noise["n"] == e["jobs_ended"] and e["always_failing"]["orgs_pinned"] == 0, e
# Every failed job has one error row; the others failed on rules before the noise rule.
assert e["failed_without_error"] == 0, e
earlier = e["jobs_failed"] - noise["count"]
truth = 0.05 * (1 - earlier / e["jobs_ended"])
low, high = noise["ci95"]
assert low <= truth <= high, (truth, noise)
assert abs(f["platform"]["noise"]["unclassified_rate"] - noise["count"] / noise["n"]) < 1e-12
# No file gives users: the lock rate is a base rate over all jobs, no per-user rate.
assert e["locks"]["jobs"] == 0 and e["locks"]["jobs_no_users"] == e["jobs_ended"], e["locks"]
assert f["platform"]["noise"]["lock_rate_per_active_user"] == 0
print(f"noise {noise['count']}/{noise['n']} ci95 {low:.4f}-{high:.4f} holds the served world's {truth:.4f}")
PY

# The file's "platform" object is a scenario's platform section as is: `pushsim run` takes it unchanged.
platform=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["platform"]))' "$tmp/platform.json")
"$pushsim" run "$src/scenarios/hotfix_revenue_rollup.json" --set "/platform=$platform" --set /population/count=300 \
  --set '/expect={}' >"$tmp/run.out" 2>"$tmp/run.err" || fail "run with the fitted platform: $(cat "$tmp/run.err")"
echo "pushsim run takes the fitted platform section"

# Bad input: nothing written, file/line/column named.
expect_exit2() {  # expect_exit2 WHAT PATTERN ARGS...
  local what=$1 pattern=$2
  shift 2
  set +e
  "$pushsim" calibrate "$@" --json "$tmp/bad.json" >"$tmp/bad.out" 2>"$tmp/bad.err"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2 ($(cat "$tmp/bad.err"))"
  grep -q -- "$pattern" "$tmp/bad.err" || fail "$what: the message does not say \"$pattern\": $(cat "$tmp/bad.err")"
  [ ! -e "$tmp/bad.json" ] || fail "$what: --json was written"
}
printf 'Id,PackagePushRequestId,SubscriberOrganizationKey,Status\n0DX000000000001,0DV000000000001,00D5g000004AcmE,Done\n' >"$tmp/jobs.csv"
expect_exit2 "a bad status" "jobs.csv: line 2, column 4 (Status)" "$tmp/jobs.csv"
printf 'Id,PackagePushRequestId,SubscriberOrganizationKey,Status\n0DX000000000001,0DV000000000001,00D5g000004AcmE,Pending\n' >"$tmp/pending.csv"
expect_exit2 "no ended job" "no push job in the history ended" "$tmp/pending.csv"
expect_exit2 "--last-pushes 1" "at least 2" "$tmp"/snap/*.json --last-pushes 1
echo "bad input: exit 2, file and line named, nothing written"
echo "calibrate_test: all checks passed"
