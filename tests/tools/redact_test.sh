#!/usr/bin/env bash
# redact_test.sh PUSHSIM SOURCE_DIR: `--redact` (issue 14, privacy). `pushsim run --redact` with every output flag
# and `pushsim push --dry-run --redact` against `pushsim serve`: no real org key or name (taken from the same run
# without --redact) in any output file or stdout, one pseudonym per org across the outputs, the digest unchanged;
# the same salt (file or PUSHSIM_REDACT_SALT) gives the same pseudonyms, another salt others, the salt is in no
# output; a bad salt exits 2 and writes nothing. A real push with --redact: failures CSV and report redacted, while
# the journal's subscriber snapshot keeps the real ids (--resume needs them).
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap
check="python3 $(dirname "$0")/redact_check.py"
salt="consultant-visit-2026 $RANDOM"
printf '%s\n' "$salt" >"$tmp/salt"
unset PUSHSIM_REDACT_SALT

# run_all DIR ARGS...: `pushsim run` with every output flag into DIR (stdout in DIR/out).
run_all() {
  local dir=$1; shift
  mkdir -p "$dir"
  "$pushsim" run "$@" --json "$dir/r.json" --csv "$dir/r.csv" --junit "$dir/r.xml" --html "$dir/r.html" \
    --schedule-csv "$dir/s.csv" >"$dir/out" || fail "pushsim run $* exited $?"
}
outputs() { echo "$1/r.json $1/r.csv $1/r.xml $1/r.html $1/s.csv $1/out"; }
digest() { grep '^digest ' "$1/out"; }

# ---- pushsim run ----
run_all "$tmp/real"
run_all "$tmp/red" --redact --redact-salt-file "$tmp/salt"
[ "$(digest "$tmp/real")" = "$(digest "$tmp/red")" ] || fail "--redact changed the digest: $(digest "$tmp/red")"
[ "$(digest "$tmp/real")" = "digest b018fd5b25e6211d" ] || fail "default scenario digest $(digest "$tmp/real")"
$check "$tmp/real/s.csv" "$tmp/real/r.csv" -- "$tmp/red/s.csv" "$tmp/red/r.csv" -- $(outputs "$tmp/red")
! $check "$tmp/real/s.csv" -- "$tmp/red/s.csv" -- "$tmp/real/r.csv" >/dev/null 2>&1 ||
  fail "the check passed on the unredacted CSV: it cannot fail"
! grep -rqF -- "$salt" "$tmp/red" || fail "the salt was written into an output"
echo "run: every output redacted, digest unchanged"

PUSHSIM_REDACT_SALT="$salt" run_all "$tmp/env" --redact
cmp -s "$tmp/red/s.csv" "$tmp/env/s.csv" || fail "the same salt from PUSHSIM_REDACT_SALT gave other pseudonyms"
run_all "$tmp/random" --redact
! cmp -s "$tmp/red/s.csv" "$tmp/random/s.csv" || fail "a random salt gave the partner salt's pseudonyms"
echo "run: the same salt gives the same pseudonyms (file or environment), another salt others"

: >"$tmp/empty_salt"
mkdir -p "$tmp/bad"
for salt_args in "--redact-salt-file $tmp/empty_salt" "--redact-salt-file $tmp/no_such_salt"; do
  set +e
  # shellcheck disable=SC2086
  "$pushsim" run --redact $salt_args --json "$tmp/bad/r.json" --schedule-csv "$tmp/bad/s.csv" >"$tmp/bad/out" 2>"$tmp/bad/err"
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "bad salt ($salt_args): exit $rc, expected 2"
  grep -qF -- "--redact-salt-file" "$tmp/bad/err" || fail "bad salt: stderr does not name the flag: $(cat "$tmp/bad/err")"
  [ ! -e "$tmp/bad/r.json" ] && [ ! -e "$tmp/bad/s.csv" ] || fail "bad salt: an output was written"
done
set +e
PUSHSIM_REDACT_SALT= "$pushsim" run --redact --json "$tmp/bad/r.json" >/dev/null 2>"$tmp/bad/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -qF PUSHSIM_REDACT_SALT "$tmp/bad/err" || fail "empty PUSHSIM_REDACT_SALT: exit $rc"
echo "run: an empty or unreadable salt exits 2, nothing written"

# ---- pushsim import --orgs-csv, and a run of the imported base: one pseudonym per org across both commands ----
mkdir -p "$tmp/imp"
data=("$src"/scenarios/data/*)
own="$src/scenarios/import_own_base.json"
"$pushsim" import "${data[@]}" --scenario "$own" --orgs-csv "$tmp/imp/real.csv" >/dev/null
"$pushsim" import "${data[@]}" --scenario "$own" --orgs-csv "$tmp/imp/red.csv" --redact --redact-salt-file "$tmp/salt" \
  >"$tmp/imp/out"
run_all "$tmp/imp/run_real" "$own"
run_all "$tmp/imp/run_red" "$own" --redact --redact-salt-file "$tmp/salt"
[ "$(digest "$tmp/imp/run_real")" = "$(digest "$tmp/imp/run_red")" ] || fail "--redact changed the imported run's digest"
$check "$tmp/imp/real.csv" "$tmp/imp/run_real/s.csv" -- "$tmp/imp/red.csv" "$tmp/imp/run_red/s.csv" -- \
  "$tmp/imp/red.csv" "$tmp/imp/out" $(outputs "$tmp/imp/run_red")
python3 - "$tmp/imp/real.csv" "$tmp/imp/red.csv" <<'PY'
import csv, sys
real, red = (list(csv.DictReader(open(p))) for p in sys.argv[1:3])
keys = {a["OrgKey"]: b["OrgKey"] for a, b in zip(real, red)}
parents = [(a["ParentOrg"], b["ParentOrg"]) for a, b in zip(real, red) if a["ParentOrg"]]
assert parents, "no sandbox with a parent to check"
for a, b in parents:
    assert keys.get(a) == b, f"ParentOrg {a} became {b}, its org is {keys.get(a)}"
PY
echo "import --orgs-csv --redact and run of the imported base: same pseudonyms, parents too, digest unchanged"

# ---- pushsim push --dry-run against pushsim serve ----
now=$(date -u +%Y-%m-%dT%H:%M:00Z)
start_server --scenario "$src/scenarios/transient_batch_failures_22210.json" --set "/start=\"$now\"" \
  --set /population/count=300 --set /population/mix/always_fails=0.3 --speed 2000
write_plan "$tmp/plan.json" "$now"
push_args=(--instance-url "$url" --token "$token" --plan "$tmp/plan.json")
mkdir -p "$tmp/preal" "$tmp/pred"
"$pushsim" push "${push_args[@]}" --dry-run --journal "$tmp/preal/j" --report-json "$tmp/preal/plan.json" \
  --schedule-csv "$tmp/preal/s.csv" >"$tmp/preal/out" 2>"$tmp/preal/err" || fail "dry run: $(cat "$tmp/preal/err")"
"$pushsim" push "${push_args[@]}" --dry-run --journal "$tmp/pred/j" --report-json "$tmp/pred/plan.json" \
  --schedule-csv "$tmp/pred/s.csv" --redact --redact-salt-file "$tmp/salt" >"$tmp/pred/out" 2>"$tmp/pred/err" ||
  fail "redacted dry run: $(cat "$tmp/pred/err")"
# Every subscriber the server lists (planned or not), as the real-key list.
python3 - "$url" "$token" "$tmp/subscribers.csv" <<'PY'
import csv, json, sys, urllib.parse, urllib.request
url, token, out = sys.argv[1:4]
q = urllib.parse.quote("SELECT OrgKey, OrgName FROM PackageSubscriber")
req = urllib.request.Request(url + "/services/data/v60.0/query?q=" + q, headers={"Authorization": "Bearer " + token})
rows = json.load(urllib.request.urlopen(req, timeout=60))["records"]
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["OrgKey", "OrgName"])
    for r in rows: w.writerow([r["OrgKey"], r["OrgName"]])
PY
$check "$tmp/preal/s.csv" -- "$tmp/pred/s.csv" -- "$tmp/pred/s.csv" "$tmp/pred/plan.json" "$tmp/pred/out" "$tmp/pred/err"
! $check "$tmp/preal/s.csv" -- "$tmp/pred/s.csv" -- "$tmp/preal/plan.json" >/dev/null 2>&1 ||
  fail "the check passed on the unredacted plan: it cannot fail"
python3 - "$tmp/subscribers.csv" "$tmp/pred/s.csv" "$tmp/pred/plan.json" "$tmp/pred/out" <<'PY'
import csv, sys
subs = list(csv.reader(open(sys.argv[1])))[1:]
for path in sys.argv[2:]:
    text = open(path).read()
    for key, name in subs:
        if key[:15] in text or (name and name in text):
            sys.exit(f"FAIL: {path} holds {key} / {name}")
print(f"ok: none of the {len(subs)} subscribers' keys or names in the dry run's outputs")
PY
python3 - "$tmp/preal/plan.json" "$tmp/pred/plan.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda p: [[len(s["orgs"]) for s in w["slot_list"]] for w in p["waves"]]
assert strip(a) == strip(b) and len(a["excluded"]) == len(b["excluded"]), "the redacted plan differs in shape"
assert a["excluded"] and all(e["org_key"].startswith("00D") for e in b["excluded"]), "no excluded orgs to check"
PY
echo "push --dry-run: plan, schedule CSV and stdout redacted; the plan keeps its shape"

# ---- a real push with --redact: reports redacted, the journal's snapshot real ----
mkdir -p "$tmp/push"
set +e
"$pushsim" push "${push_args[@]}" --journal "$tmp/push/j" --failures-csv "$tmp/push/failures.csv" \
  --report-json "$tmp/push/report.json" --redact --redact-salt-file "$tmp/salt" >"$tmp/push/out" 2>"$tmp/push/err"
rc=$?
set -e
[ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "push --redact: exit $rc: $(tail -3 "$tmp/push/err")"
[ "$(wc -l <"$tmp/push/failures.csv")" -gt 1 ] || fail "push --redact: no failed org to check"
python3 - "$tmp/subscribers.csv" "$tmp/push/failures.csv" "$tmp/push/report.json" "$tmp/push/out" "$tmp/push/err" <<'PY'
import csv, sys
subs = list(csv.reader(open(sys.argv[1])))[1:]
for path in sys.argv[2:]:
    text = open(path).read()
    for key, name in subs:
        if key[:15] in text or (name and name in text):
            sys.exit(f"FAIL: {path} holds {key} / {name}")
PY
cut -d, -f1 "$tmp/push/failures.csv" | tail -n +2 | while read -r k; do
  grep -qF "$k" "$tmp/pred/plan.json" || fail "failed org $k has no pseudonym of the dry run's plan"
done
grep -qF "$(sed -n 2p "$tmp/subscribers.csv" | cut -d, -f1 | cut -c1-15)" "$tmp/push/j.subscribers.json" ||
  fail "the journal's subscriber snapshot lost the real ids"
echo "push --redact: failures CSV, report and stdout redacted (same pseudonyms as the dry run); the snapshot real"
echo "PASS"
