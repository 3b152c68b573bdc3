#!/usr/bin/env bash
# study_input_test.sh PUSHSIM SOURCE_DIR: `pushsim study` refuses bad input with exit 2, naming the flag or the
# file and JSON pointer, and writes nothing (no JSON, CSV, HTML, JUnit, no temporary file); then a small study
# writes every output and gives the same JSON for --jobs 1 and --jobs 2.
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir "$tmp/out"

expect_bad() {  # expect_bad DESCRIPTION EXPECTED_STDERR_TEXT ARGS...
  local what=$1 text=$2; shift 2
  set +e
  "$pushsim" study "$@" --json "$tmp/out/s.json" --csv "$tmp/out/s.csv" --html "$tmp/out/s.html" \
    --junit "$tmp/out/s.xml" --set /population/count=50 >"$tmp/stdout" 2>"$tmp/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/out")" ] || fail "$what: wrote $(ls -A "$tmp/out") despite bad input"
}

expect_bad "0 replications" "--replications" --replications 0
expect_bad "1 replication" "--replications" --replications 1
expect_bad "too many replications" "--replications" --replications 10000001
expect_bad "confidence 0.5" "--confidence" --confidence 0.5
expect_bad "confidence 0.999" "--confidence" --confidence 0.999
expect_bad "confidence 2" "--confidence" --confidence 2
expect_bad "precision without maximum" "--precision: needs --max-replications" --precision 0.05
expect_bad "unknown vary" "--vary" --vary weather
expect_bad "jobs 0" "--jobs" --jobs 0
expect_bad "bad sweep" "--sweep" --sweep /population/count=10
expect_bad "bad set" "--set" --set nonsense
expect_bad "sweep value not UTF-8" "--sweep: the argument is not UTF-8 text" --sweep "/name=a,$(printf '\xff')"
expect_bad "set value not UTF-8" "--set" --set "/name=$(printf '\xff')"
expect_bad "sweep to a bad value" "/population/count: expected an integer" --replications 2 --sweep /population/count=40,-5

echo '{"name": ' > "$tmp/broken.plan.json"
expect_bad "plan not JSON" "broken.plan.json" --plan "$tmp/broken.plan.json"
expect_bad "plan missing" "nowhere.plan.json" --plan "$tmp/nowhere.plan.json"
python3 - "$src/scenarios/hotfix_revenue_rollup.json" "$tmp/v9.plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["plan"]
plan["target"]["version"] = "9.9.9"
json.dump(plan, open(sys.argv[2], "w"))
PY
expect_bad "version the package lacks" "/target/version: no such version" --plan "$tmp/v9.plan.json"

scenario() { python3 - "$src/scenarios/hotfix_revenue_rollup.json" "$1" "$2" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
s["package"] = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), s["package"])
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"))
PY
}
scenario "$tmp/unknown_stat.json" 's["expect"] = {"blast_radius_orgs": {"mean_max": 25, "mean_maximum": 30}}'
expect_bad "unknown statistical key" "unknown_stat.json: /expect/blast_radius_orgs/mean_maximum" "$tmp/unknown_stat.json"
scenario "$tmp/bool_mean.json" 's["expect"] = {"halted": {"probability_min": 0.9, "p95_max": 1}}'
expect_bad "percentile of a boolean" "bool_mean.json: /expect/halted/p95_max" "$tmp/bool_mean.json"
scenario "$tmp/bad_section.json" 's["study"] = {"replications": 1}'
expect_bad "study section" "bad_section.json: /study/replications" "$tmp/bad_section.json"

# A small study writes every output; --jobs does not change a byte.
for j in 1 2; do
  "$pushsim" study --replications 6 --jobs $j --set /population/count=200 --json "$tmp/j$j.json" \
    --csv "$tmp/j$j.csv" --html "$tmp/j$j.html" --junit "$tmp/j$j.xml" >"$tmp/stdout" 2>"$tmp/err" \
    || fail "study --jobs $j: $(cat "$tmp/err")"
done
cmp -s "$tmp/j1.json" "$tmp/j2.json" || fail "--jobs 1 and --jobs 2 give different JSON"
cmp -s "$tmp/j1.csv" "$tmp/j2.csv" || fail "--jobs 1 and --jobs 2 give different CSV"
[ "$(wc -l <"$tmp/j1.csv")" -eq 7 ] || fail "CSV: expected a header and 6 rows"
grep -q '"comparisons"' "$tmp/j1.json" && grep -q '"digest"' "$tmp/j1.json" || fail "JSON lacks the contract keys"
grep -q 'id="hist-0-blast_radius_orgs-0"' "$tmp/j1.html" || fail "HTML lacks the blast radius histogram"
grep -q "replications: 6" "$tmp/stdout" || fail "terminal summary lacks the replication count"
echo "study_input_test: ok"
