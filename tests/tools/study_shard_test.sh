#!/usr/bin/env bash
# study_shard_test.sh PUSHSIM SOURCE_DIR: a study run as shards (`--shard K/N --json part`) and merged (`pushsim
# study merge`) writes JSON, CSV, HTML and JUnit byte-identical to the unsharded run, whatever the order the parts
# are named in, with two plans and with a sweep; a merge of missing, duplicated, foreign or malformed parts exits
# 2 naming them and writes nothing; bad --shard flags exit 2.
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

scenario=$src/scenarios/study_hotfix_distribution.json
python3 - "$scenario" "$tmp" <<'PY'
import json, sys
plan_a = json.load(open(sys.argv[1]))["plan"]
plan_b = json.loads(json.dumps(plan_a))
plan_b["waves"][0]["select"]["share_percent"] = 20
for name, plan in (("a.plan.json", plan_a), ("b.plan.json", plan_b)):
    json.dump(plan, open(sys.argv[2] + "/" + name, "w"))
PY
common=("$scenario" --set /population/count=120 --plan "$tmp/a.plan.json" --plan "$tmp/b.plan.json" --jobs 2)

outputs() {  # outputs PREFIX: the four output flags
  echo --json "$1.json" --csv "$1.csv" --html "$1.html" --junit "$1.xml"
}
same_outputs() {  # same_outputs A B WHAT
  for ext in json csv html xml; do
    cmp -s "$1.$ext" "$2.$ext" || fail "$3: .$ext differs from the unsharded run"
  done
}

# Two plans, 7 replications in 3 shards (blocks of 2, 2 and 3), merged in a shuffled order.
"$pushsim" study "${common[@]}" --replications 7 $(outputs "$tmp/whole") >"$tmp/whole.out" 2>"$tmp/err" \
  || [ $? -eq 1 ] || fail "unsharded study: $(cat "$tmp/err")"
for k in 1 2 3; do
  "$pushsim" study "${common[@]}" --replications 7 --shard $k/3 --json "$tmp/part-$k.json" --csv "$tmp/part-$k.csv" \
    >"$tmp/shard.out" 2>"$tmp/err" || fail "shard $k/3: $(cat "$tmp/err")"
done
grep -q "Study shard 3/3" "$tmp/shard.out" || fail "shard summary missing: $(cat "$tmp/shard.out")"
[ "$(tail -n +2 "$tmp/part-3.csv" | wc -l)" -eq 6 ] || fail "shard 3's CSV: expected 3 replications x 2 plans"
set +e
"$pushsim" study merge "$tmp/part-2.json" "$tmp/part-3.json" "$tmp/part-1.json" $(outputs "$tmp/merged") \
  >"$tmp/merged.out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -le 1 ] || fail "merge: exit $rc: $(cat "$tmp/err")"
same_outputs "$tmp/whole" "$tmp/merged" "3 shards, two plans"
cmp -s "$tmp/whole.out" "$tmp/merged.out" || fail "the terminal summary of the merge differs: $(diff "$tmp/whole.out" "$tmp/merged.out")"

# A sweep, 4 replications in 4 shards of one replication each.
sweep=(--sweep /population/count=80,120 --replications 4)
"$pushsim" study "${common[@]}" "${sweep[@]}" $(outputs "$tmp/swhole") >/dev/null 2>"$tmp/err" \
  || [ $? -eq 1 ] || fail "unsharded sweep: $(cat "$tmp/err")"
for k in 1 2 3 4; do
  "$pushsim" study "${common[@]}" "${sweep[@]}" --shard $k/4 --json "$tmp/spart-$k.json" >/dev/null 2>"$tmp/err" \
    || fail "sweep shard $k/4: $(cat "$tmp/err")"
done
"$pushsim" study merge "$tmp"/spart-*.json $(outputs "$tmp/smerged") >/dev/null 2>"$tmp/err" \
  || [ $? -eq 1 ] || fail "sweep merge: $(cat "$tmp/err")"
same_outputs "$tmp/swhole" "$tmp/smerged" "4 shards of a sweep"

mkdir "$tmp/out"
expect_bad() {  # expect_bad DESCRIPTION EXPECTED_STDERR_TEXT PARTS...
  local what=$1 text=$2; shift 2
  set +e
  "$pushsim" study merge "$@" $(outputs "$tmp/out/m") >"$tmp/stdout" 2>"$tmp/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/out")" ] || fail "$what: wrote $(ls -A "$tmp/out")"
}
expect_bad "a missing shard" "1 of 3 shards missing: 2" "$tmp/part-1.json" "$tmp/part-3.json"
expect_bad "a duplicated shard" "shard 2 of 3 given twice" "$tmp/part-1.json" "$tmp/part-2.json" "$tmp/part-2.json" \
  "$tmp/part-3.json"
cp "$tmp/part-2.json" "$tmp/copy-2.json"
expect_bad "a duplicated shard names both files" "part-2.json and $tmp/copy-2.json" "$tmp/part-1.json" \
  "$tmp/part-2.json" "$tmp/copy-2.json" "$tmp/part-3.json"
"$pushsim" study "${common[@]}" --replications 7 --seed 99 --shard 2/3 --json "$tmp/seed99-2.json" >/dev/null 2>&1
expect_bad "a shard of another seed" "seed99-2.json: /identity/seed is 99" "$tmp/part-1.json" "$tmp/seed99-2.json" \
  "$tmp/part-3.json"
"$pushsim" study "${common[@]}" --replications 7 --shard 2/4 --json "$tmp/of4-2.json" >/dev/null 2>&1
expect_bad "a shard of another split" "of4-2.json: /shard/count is 4" "$tmp/part-1.json" "$tmp/of4-2.json" \
  "$tmp/part-3.json"
"$pushsim" study "${common[@]}" --set /population/count=121 --replications 7 --shard 2/3 --json "$tmp/set-2.json" \
  >/dev/null 2>&1
expect_bad "a shard of another --set" "set-2.json: /identity/set" "$tmp/part-1.json" "$tmp/set-2.json" "$tmp/part-3.json"
"$pushsim" study "$scenario" --set /population/count=120 --plan "$tmp/b.plan.json" --plan "$tmp/a.plan.json" \
  --replications 7 --shard 2/3 --json "$tmp/plans-2.json" >/dev/null 2>&1
expect_bad "a shard of other plans" "plans-2.json: /identity/plans" "$tmp/part-1.json" "$tmp/plans-2.json" \
  "$tmp/part-3.json"
python3 - "$tmp/part-2.json" "$tmp/version-2.json" 's["identity"]["pushsim_version"] = "0.0.1"' <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); exec(sys.argv[3]); json.dump(s, open(sys.argv[2], "w"))
PY
expect_bad "a shard of another pushsim" "version-2.json: /identity/pushsim_version" "$tmp/part-1.json" \
  "$tmp/version-2.json" "$tmp/part-3.json"
edit() {  # edit NAME PYTHON: part-2.json edited into NAME
  python3 - "$tmp/part-2.json" "$tmp/$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); exec(sys.argv[3]); json.dump(s, open(sys.argv[2], "w"))
PY
}
edit bad-value.json 's["points"][0]["rows"][3][4][2] = "many"'
expect_bad "a value that is no number" "bad-value.json: /points/0/rows/3/4/2: expected a number or null" \
  "$tmp/part-1.json" "$tmp/bad-value.json" "$tmp/part-3.json"
edit extra-key.json 's["identity"]["colour"] = "blue"'
expect_bad "an unknown key" "extra-key.json: /identity/colour" "$tmp/part-1.json" "$tmp/extra-key.json" \
  "$tmp/part-3.json"
edit lost-row.json 'del s["points"][0]["rows"][1]'
expect_bad "a lost row" "lost-row.json: /points/0/rows: expected 4 rows" "$tmp/part-1.json" "$tmp/lost-row.json" \
  "$tmp/part-3.json"
edit moved-row.json 's["points"][0]["rows"][0][0] = 0'
expect_bad "a row of another shard" "moved-row.json: /points/0/rows/0/0: expected replication 2" \
  "$tmp/part-1.json" "$tmp/moved-row.json" "$tmp/part-3.json"
printf '{"format": "pushsim-study-part-1", ' >"$tmp/cut.json"
expect_bad "a cut file" "cut.json" "$tmp/part-1.json" "$tmp/cut.json" "$tmp/part-3.json"
expect_bad "an unreadable part" "nowhere.json: cannot read" "$tmp/part-1.json" "$tmp/nowhere.json" "$tmp/part-3.json"

shard_bad() {  # shard_bad DESCRIPTION EXPECTED_STDERR_TEXT ARGS...
  local what=$1 text=$2; shift 2
  set +e
  "$pushsim" study "${common[@]}" "$@" >"$tmp/stdout" 2>"$tmp/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 (stderr: $(cat "$tmp/err"))"
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/out")" ] || fail "$what: wrote $(ls -A "$tmp/out")"
}
shard_bad "shard beyond N" "--shard: expected K/N" --replications 7 --shard 4/3 --json "$tmp/out/p.json"
shard_bad "shard 0" "--shard: expected K/N" --replications 7 --shard 0/3 --json "$tmp/out/p.json"
shard_bad "not K/N" "--shard: expected K/N" --replications 7 --shard 2 --json "$tmp/out/p.json"
shard_bad "more shards than replications" "leave some empty" --replications 7 --shard 1/8 --json "$tmp/out/p.json"
shard_bad "shard without --json" "--shard: needs --json" --replications 7 --shard 1/3
shard_bad "shard with --html" "--html: a shard writes its part only" --replications 7 --shard 1/3 \
  --json "$tmp/out/p.json" --html "$tmp/out/p.html"
shard_bad "shard with --precision" "--shard: not with --precision" --precision 0.1 --max-replications 10 \
  --shard 1/3 --json "$tmp/out/p.json"
echo "study_shard_test: ok"
