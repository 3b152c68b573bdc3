#!/usr/bin/env bash
# push_e2e_test.sh PUSHSIM SOURCE_DIR: `pushsim push` against `pushsim serve` over loopback: the 22,210-org push
# with a 5% chance per job-creation call of the transient 400 "Something bad has happened" (and 0.5% of all
# calls a 503). Every eligible org must get exactly one job: 0 orgs lost, 0 duplicate jobs, no request left in
# Created. Prints the counts, the wall time, the API calls and the retried transient failures.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" --speed 2000
write_plan "$tmp/plan.json" "$now"

# The eligible orgs: the plan as a dry run makes it (same subscribers, same plan as the real run).
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --dry-run \
  --report-json "$tmp/planned.json" >"$tmp/dry.out" 2>"$tmp/dry.err" || fail "dry run: $(cat "$tmp/dry.out" "$tmp/dry.err")"
echo "dry run: $(tail -n1 "$tmp/dry.out")"

calls_before=$(api_calls)
t0=$(date +%s.%N)
set +e
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/push.journal" \
  --failures-csv "$tmp/failures.csv" --report-json "$tmp/report.json" >"$tmp/push.out" 2>"$tmp/push.err"
rc=$?
set -e
t1=$(date +%s.%N)
cat "$tmp/push.out"
[ $rc -eq 0 ] || fail "push: exit $rc: $(tail -n 20 "$tmp/push.err")"
calls=$(( $(api_calls) - calls_before ))
head -n1 "$tmp/failures.csv" | grep -qx "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage" \
  || fail "failure CSV header: $(head -n1 "$tmp/failures.csv")"
check_jobs "$tmp/planned.json" "$tmp/push.journal" || fail "not exactly one job per eligible org"
retried=$(json_get retryable_errors < "$tmp/report.json")
retried_add=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["retryable_errors_by_endpoint"])' "$tmp/report.json")
[ "$retried" -gt 0 ] || fail "no transient failure was seen: the fault injection did not reach the push"
python3 -c "import sys; print(f'wall {float(sys.argv[2]) - float(sys.argv[1]):.1f} s, API calls seen by the server {sys.argv[3]}, transient failures retried {sys.argv[4]} {sys.argv[5]}')" \
  "$t0" "$t1" "$calls" "$retried" "$retried_add"
echo "push_e2e_test: all checks passed"
