#!/usr/bin/env bash
# push_input_test.sh PUSHSIM SOURCE_DIR: `pushsim push` on bad input and in dry runs, against `pushsim serve`:
# plan and profiles mistakes exit 2 naming the JSON pointer or CSV line before any API call (the server's
# request counter does not move); bad flags exit 2; a bad token or an unreachable server exit 1; --dry-run makes no
# side-effecting call (no push request, no job) and writes the plan; a gate halt exits 3 with a failure CSV.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap

now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" \
  --set /population/count=300 --set /population/mix/always_fails=0.3 --speed 2000
write_plan "$tmp/plan.json" "$now"

expect_exit() {  # expect_exit DESCRIPTION CODE EXPECTED_STDERR_TEXT ARGS...
  local what=$1 code=$2 text=$3; shift 3
  set +e
  "$pushsim" push "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  set -e
  [ $rc -eq "$code" ] || fail "$what: exit $rc, expected $code (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
}
push_args=(--instance-url "$url" --token "$token" --journal "$tmp/j.journal")

# Bad input: exit 2 with the pointer or line, and not one request reaches the server.
calls0=$(api_calls)
write_plan "$tmp/unknown_key.json" "$now" 'p["colour"] = "red"'
expect_exit "unknown plan key" 2 "unknown_key.json: /colour: unknown key" "${push_args[@]}" --plan "$tmp/unknown_key.json"
write_plan "$tmp/zone.json" "$now" 'p["windows"] = {"default_time_zone": "Mars/Olympus"}'
expect_exit "unknown time zone" 2 "zone.json: /windows/default_time_zone: unknown time zone" "${push_args[@]}" --plan "$tmp/zone.json"
write_plan "$tmp/window.json" "$now" 'p["windows"] = {"quiet_hours": [{"start": "03:00", "end": "03:00"}]}'
expect_exit "impossible window" 2 "window.json: /windows/quiet_hours/0" "${push_args[@]}" --plan "$tmp/window.json"
write_plan "$tmp/share.json" "$now" 'p["waves"] = [{"name": "a", "select": {"share_percent": 150}}]'
expect_exit "share over 100%" 2 "share.json: /waves/0/select/share_percent" "${push_args[@]}" --plan "$tmp/share.json"
write_plan "$tmp/past.json" "$now" 'p["deadline"] = "2001-01-01T00:00:00Z"'
expect_exit "deadline in the past" 2 "past.json: /deadline" "${push_args[@]}" --plan "$tmp/past.json"
printf 'org_key,time_zone\n00D000000000001,Europe/Berlin\n00D000000000002,Mars/Olympus\n' >"$tmp/profiles.csv"
expect_exit "profiles CSV" 2 "profiles.csv: line 3, column 2 (time_zone)" "${push_args[@]}" --plan "$tmp/plan.json" --profiles "$tmp/profiles.csv"
expect_exit "missing plan file" 2 "missing.json" "${push_args[@]}" --plan "$tmp/missing.json"
expect_exit "no --token" 2 "--token" push --instance-url "$url" --plan "$tmp/plan.json"
expect_exit "unknown flag" 2 "--colour" "${push_args[@]}" --plan "$tmp/plan.json" --colour red
[ "$(api_calls)" = "$calls0" ] || fail "bad input reached the API: $calls0 -> $(api_calls) requests"
echo "bad input: 9 cases, exit 2, no API call"

# Other errors: exit 1.
expect_exit "bad token" 1 "authentication failed (HTTP 401)" --instance-url "$url" --token nope --plan "$tmp/plan.json" --journal "$tmp/j.journal"
expect_exit "unreachable" 1 "cannot reach the instance" --instance-url "http://127.0.0.1:1" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/j.journal"

# Dry run: the plan on stdout and in plan.json next to the journal; no push request, no job.
mkdir "$tmp/dry"
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --dry-run --journal "$tmp/dry/x.journal" >"$tmp/dry.out" 2>"$tmp/dry.err" \
  || fail "dry run: $(cat "$tmp/dry.err")"
cat "$tmp/dry.out"
[ -s "$tmp/dry/plan.json" ] || fail "dry run wrote no plan.json next to the journal"
[ ! -e "$tmp/dry/x.journal" ] || fail "dry run wrote a journal"
planned=$(json_get planned_orgs < "$tmp/dry/plan.json")
[ "$planned" -gt 200 ] || fail "dry run planned $planned orgs"
n=$(curl -s -H "Authorization: Bearer $token" "$url/services/data/v60.0/query?q=SELECT+Id+FROM+PackagePushRequest" | json_get totalSize)
[ "$n" = 0 ] || fail "dry run created $n push requests"

# A gate halts: exit 3, failed orgs in the CSV; the journal then refuses a fresh run without --resume.
write_plan "$tmp/gated.json" "$now" 'p["concurrency"]["orgs_per_request"] = 50; p["gates"] = {"max_failed_orgs": 3}; p["waves"] = [{"name": "canary", "select": {"max_orgs": 50}}, {"name": "rest"}]'
set +e
"$pushsim" push "${push_args[@]}" --plan "$tmp/gated.json" --failures-csv "$tmp/failures.csv" >"$tmp/gate.out" 2>"$tmp/gate.err"; rc=$?
set -e
cat "$tmp/gate.out"
[ $rc -eq 3 ] || fail "gate: exit $rc, expected 3: $(cat "$tmp/gate.err")"
grep -q "HALTED" "$tmp/gate.out" || fail "gate: no HALTED in the summary"
[ "$(wc -l <"$tmp/failures.csv")" -gt 3 ] || fail "gate: failure CSV has too few rows: $(cat "$tmp/failures.csv")"
expect_exit "journal exists" 2 "--resume" "${push_args[@]}" --plan "$tmp/gated.json"
echo "push_input_test: all checks passed"
