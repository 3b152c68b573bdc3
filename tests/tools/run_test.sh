#!/usr/bin/env bash
# run_test.sh PUSHSIM SOURCE_DIR: end-to-end checks of `pushsim run`: bad input exits 2 naming the file and the
# JSON pointer and writes nothing; an output that cannot be written safely (an input, a FIFO, a missing folder)
# is refused before the run; the default rehearsal writes every report, following a symlink; same seed,
# same digest; a failed expectation exits 1 with a JUnit failure; compare/study --gate-action.
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json_get() { python3 -c 'import json,sys; v=json.load(sys.stdin); [v:=v[k] for k in sys.argv[1:]]; print(v if not isinstance(v,bool) else str(v).lower())' "$@"; }

expect_bad() {  # expect_bad DESCRIPTION EXPECTED_STDERR_TEXT ARGS...
  local what=$1 text=$2; shift 2
  set +e
  "$pushsim" run "$@" --json "$tmp/bad.json.out" --html "$tmp/bad.html" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ ! -e "$tmp/bad.json.out" ] && [ ! -e "$tmp/bad.html" ] || fail "$what: a report was written despite bad input"
}

# Scenario mistakes, each with the file and the JSON pointer.
scenario() { python3 - "$src/scenarios/hotfix_revenue_rollup.json" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
import os; s["package"] = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), s["package"])
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"))
PY
}
scenario "$tmp/unknown_key.json" 's["colour"] = "red"'
expect_bad "unknown key" 'unknown_key.json: /colour: unknown key "colour"' "$tmp/unknown_key.json"
scenario "$tmp/wrong_type.json" 's["seed"] = "seven"'
expect_bad "wrong type" 'wrong_type.json: /seed: expected an integer in [0, 18446744073709551615], found string "seven"' "$tmp/wrong_type.json"
scenario "$tmp/missing_plan.json" 'del s["plan"]'
expect_bad "missing plan" "missing_plan.json: /plan: missing" "$tmp/missing_plan.json"
scenario "$tmp/window.json" 's["plan"]["windows"]["quiet_hours"] = [{"start": "03:00", "end": "03:00"}]'
expect_bad "impossible window" "window.json: /plan/windows/quiet_hours/0" "$tmp/window.json"
scenario "$tmp/zone.json" 's["population"]["mix"]["time_zones"]["EU"]["Europe/Atlantis"] = 0.1'
expect_bad "unknown time zone" "zone.json: /population/mix/time_zones/EU/Europe~1Atlantis" "$tmp/zone.json"
scenario "$tmp/metric.json" 's["expect"]["blast_radius"] = {"max": 3}'
expect_bad "unknown metric" "metric.json: /expect/blast_radius: unknown metric" "$tmp/metric.json"
scenario "$tmp/version.json" 's["plan"]["target"]["version"] = "9.9.9"'
expect_bad "unknown target version" "version.json: /plan/target/version: no such version" "$tmp/version.json"
echo '{"name": ' > "$tmp/broken.json"
expect_bad "invalid JSON" "broken.json: not valid JSON" "$tmp/broken.json"
expect_bad "bad --set" "--set seed=3: '" --set seed=3
# Overrides are parsed with the file, strictly: a wrong type, a negative or too large seed, an unknown key.
seed_range='expected an integer in [0, 18446744073709551615]'
expect_bad "--set /seed=abc" "/seed: $seed_range, found string \"abc\"" --set /seed=abc
expect_bad "--set /seed=-1" "/seed: $seed_range, found number -1" --set /seed=-1
expect_bad "--set /profiles=5" "/profiles: expected a string, found number 5" --set /profiles=5
expect_bad "--set unknown key" '/seeed: unknown key "seeed"' --set /seeed=5
expect_bad "--seed too large" "--seed: $seed_range, found \"99999999999999999999999\"" --seed 99999999999999999999999
expect_bad "--seed negative" "--seed: $seed_range, found \"-1\"" --seed -1
scenario "$tmp/deep.json" 's["description"] = json.loads("[" * 70 + "]" * 70)'
expect_bad "deep nesting" "deep.json: nested deeper than 64 levels" "$tmp/deep.json"
scenario "$tmp/big_seed.json" 's["seed"] = 99999999999999999999999'
expect_bad "seed too large in the file" "big_seed.json: /seed: $seed_range" "$tmp/big_seed.json"
set +e
"$pushsim" run --no-such-flag >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown flag: exit $rc, expected 2"

# Outputs are checked before the run: an input, a missing folder, a FIFO or two outputs naming one file exit 2 and
# nothing is written (not even the outputs that were fine). Devices are tested in base_test, where /dev/null is
# only inspected: a broken pushsim run as root here would replace it.
expect_refused() {  # expect_refused DESCRIPTION EXPECTED_STDERR_TEXT ARGS...
  local what=$1 text=$2; shift 2
  set +e
  "$pushsim" run "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "$what: the run started: $(cat "$tmp/out")"
}
scenario "$tmp/s.json" 'pass'
cp "$tmp/s.json" "$tmp/s.orig"
expect_refused "output is the scenario" "cannot write '$tmp/s.json': it is the input file" "$tmp/s.json" --json "$tmp/s.json"
cmp -s "$tmp/s.json" "$tmp/s.orig" || fail "the scenario was overwritten"
ln -s s.json "$tmp/s_link.json"
expect_refused "output is the scenario through a symlink" "it is the input file" "$tmp/s.json" --csv "$tmp/s_link.json"
cmp -s "$tmp/s.json" "$tmp/s.orig" || fail "the scenario was overwritten through a symlink"
expect_refused "missing output folder" "the folder '$tmp/missing_dir' does not exist" \
  "$tmp/s.json" --json "$tmp/missing_dir/x.json" --csv "$tmp/ok.csv"
[ ! -e "$tmp/ok.csv" ] || fail "ok.csv was written although another output was refused"
mkfifo "$tmp/fifo"
expect_refused "FIFO output" "it is a FIFO" "$tmp/s.json" --json "$tmp/fifo"
[ -p "$tmp/fifo" ] || fail "the FIFO was replaced"
expect_refused "one file twice" "same file as the output" "$tmp/s.json" --json "$tmp/two.out" --html "$tmp/two.out"
[ ! -e "$tmp/two.out" ] || fail "two.out was written"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["plan"], open(sys.argv[2], "w"))' "$tmp/s.json" "$tmp/p.json"
cp "$tmp/p.json" "$tmp/p.orig"
set +e
"$pushsim" compare "$tmp/s.json" --plan "$tmp/p.json" --json "$tmp/p.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -qF "it is the input file '$tmp/p.json'" "$tmp/err" || fail "compare --json PLAN: exit $rc: $(cat "$tmp/err")"
cmp -s "$tmp/p.json" "$tmp/p.orig" || fail "compare overwrote its plan"

# The default rehearsal: every report, the digest, determinism. a.json is a symlink: its target gets the report.
ln -s a_target.json "$tmp/a.json"
"$pushsim" run --json "$tmp/a.json" --csv "$tmp/a.csv" --junit "$tmp/a.xml" --html "$tmp/a.html" >"$tmp/a.out" 2>"$tmp/a.err" \
  || fail "default run failed: $(cat "$tmp/a.out" "$tmp/a.err")"
grep -q "^digest [0-9a-f]\{16\}$" "$tmp/a.out" || fail "no digest line: $(cat "$tmp/a.out")"
for f in a.json a.csv a.xml a.html; do [ -s "$tmp/$f" ] || fail "$f not written"; done
[ -L "$tmp/a.json" ] && [ -s "$tmp/a_target.json" ] || fail "the symlink a.json was replaced instead of followed"
head -1 "$tmp/a.csv" | grep -q "^OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage,Broken,Cause$" \
  || fail "CSV header: $(head -1 "$tmp/a.csv")"
targeted=$(json_get metrics orgs_targeted < "$tmp/a.json")
[ "$targeted" -gt 2000 ] || fail "orgs_targeted $targeted"
"$pushsim" run --json "$tmp/b.json" >"$tmp/b.out" 2>/dev/null || fail "second default run failed"
[ "$(json_get metrics digest < "$tmp/a.json")" = "$(json_get metrics digest < "$tmp/b.json")" ] || fail "same seed, different digest"
cmp <(grep -v ' s wall$' "$tmp/a.out") <(grep -v ' s wall$' "$tmp/b.out") || fail "same seed, different summary"
"$pushsim" run --seed 99 --json "$tmp/c.json" >/dev/null 2>&1 || true
[ "$(json_get metrics digest < "$tmp/a.json")" != "$(json_get metrics digest < "$tmp/c.json")" ] || fail "different seed, same digest"

# A failed expectation: exit 1, JUnit failure, reproduce command.
set +e
"$pushsim" run --set /expect/blast_radius_orgs='{"max": 0}' --junit "$tmp/f.xml" >"$tmp/f.out" 2>"$tmp/f.err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "failed expectation: exit $rc, expected 1"
grep -q '<failure message="blast_radius_orgs: expected &lt;= 0' "$tmp/f.xml" || fail "JUnit has no failure: $(cat "$tmp/f.xml")"
grep -q "reproduce: pushsim run --set" "$tmp/f.err" || fail "no reproduce command: $(cat "$tmp/f.err")"
# --gate-action: bad values exit 2 naming the flag (compare and study); good ones run the plan once per action.
for cmd in compare study; do
  set +e
  "$pushsim" $cmd --gate-action pause >"$tmp/g.out" 2>"$tmp/g.err"; rc=$?
  set -e
  [ $rc -eq 2 ] && grep -qF -- "--gate-action: expected halt or pause:<duration>" "$tmp/g.err" \
    || fail "$cmd --gate-action pause: exit $rc: $(cat "$tmp/g.err")"
done
"$pushsim" compare --set /population/count=300 --gate-action halt --gate-action pause:4h --json "$tmp/g.json" \
  >"$tmp/g.out" 2>"$tmp/g.err" || fail "compare --gate-action: $(cat "$tmp/g.err")"
python3 - "$tmp/g.json" <<'PY' || fail "compare --json: $(cat "$tmp/g.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["pushsim_version"] and isinstance(j["seed"], int) and j["scenario"], j
assert [p["plan"] for p in j["plans"]] == ["scenario plan [halt]", "scenario plan [pause:4h]"], j["plans"]
assert all(len(p["digest"]) == 16 and "blast_radius_orgs" in p for p in j["plans"]), j["plans"]
PY
grep -q "^scenario plan \[halt\] " "$tmp/g.out" && grep -q "^scenario plan \[pause:4h\] " "$tmp/g.out" \
  || fail "compare --gate-action rows: $(cat "$tmp/g.out")"
echo "run_test: 1 passed, 0 failed"
