#!/usr/bin/env bash
# study_mpi_test.sh PUSHSIM SOURCE_DIR MPIEXEC: `mpiexec -n P pushsim study` writes JSON, CSV, HTML and JUnit
# byte-identical to the threaded run for P = 1, 2, 3 and 4 (two plans; a precision-driven study, whose stopping
# point every rank must agree on); only rank 0 writes. Then a rank that stops on its own (rank 0 refusing an
# output path) and a rank killed mid-study each end the whole job with a non-zero exit within a bounded time.
set -euo pipefail
pushsim=$1
src=$2
mpiexec=$3
tmp=$(mktemp -d)
job=
cleanup() {
  [ -n "$job" ] && kill -9 "$job" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
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
common=("$scenario" --set /population/count=120 --plan "$tmp/a.plan.json" --plan "$tmp/b.plan.json")

study() {  # study NAME [mpiexec -n P] -- STUDY ARGS: writes NAME.{json,csv,html,xml}; exit 0 or 1 (expectations)
  local name=$1; shift
  local launch=()
  while [ "$1" != "--" ]; do launch+=("$1"); shift; done
  shift
  set +e
  timeout 240 "${launch[@]}" "$pushsim" study "${common[@]}" "$@" --json "$tmp/$name.json" --csv "$tmp/$name.csv" \
    --html "$tmp/$name.html" --junit "$tmp/$name.xml" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  set -e
  [ $rc -le 1 ] || fail "$name: exit $rc: $(cat "$tmp/$name.err")"
}
same() {  # same A B
  for ext in json csv html xml out; do
    cmp -s "$tmp/$1.$ext" "$tmp/$2.$ext" || fail "$2.$ext differs from $1.$ext"
  done
}

study threaded -- --replications 9 --jobs 2
study n1 "$mpiexec" -n 1 -- --replications 9 --jobs 1
study n2 "$mpiexec" -n 2 -- --replications 9 --jobs 1
study n3 "$mpiexec" -n 3 -- --replications 9 --jobs 2
study n4 "$mpiexec" -n 4 -- --replications 9 --jobs 1
same threaded n1
same threaded n2
same threaded n3
same threaded n4

study ptreaded -- --precision 0.5 --max-replications 6 --jobs 1
study pn2 "$mpiexec" -n 2 -- --precision 0.5 --max-replications 6 --jobs 1
same ptreaded pn2

# An output only rank 0 checks (the other ranks write nothing) that cannot be written: the job ends, exit 2.
set +e
timeout 60 "$mpiexec" -n 2 "$pushsim" study "${common[@]}" --replications 4 --json "$tmp/nowhere/s.json" \
  >"$tmp/nowhere.out" 2>"$tmp/nowhere.err"
rc=$?
set -e
[ $rc -ne 124 ] || fail "mpiexec hangs when rank 0 refuses an output path"
[ $rc -ne 0 ] || fail "mpiexec exited 0 when rank 0 refused an output path"
grep -q "nowhere" "$tmp/nowhere.err" || fail "the refused output path is not named: $(cat "$tmp/nowhere.err")"

# Bad input, seen by every rank: exit 2 naming the pointer, whichever rank ends the job first.
set +e
timeout 60 "$mpiexec" -n 2 "$pushsim" study "${common[@]}" --replications 4 --set /population/count=-5 \
  >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "bad input under mpiexec: exit $rc, expected 2: $(cat "$tmp/bad.err")"
grep -q "/population/count: expected an integer" "$tmp/bad.err" || fail "bad input not named: $(cat "$tmp/bad.err")"

# Kill rank 1 of a long study: mpiexec must end every rank and exit non-zero, within 60 s.
"$mpiexec" -n 2 "$pushsim" study "${common[@]}" --replications 100000 --jobs 1 >"$tmp/kill.out" 2>"$tmp/kill.err" &
job=$!
rank1=
for _ in $(seq 1 300); do
  for pid in $(ps -eo pid=,ppid= | awk -v top="$job" '
      { parent[$1] = $2 } END { for (p in parent) { q = p; while (q in parent && q != top) q = parent[q]; if (q == top) print p } }'); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx 'PMI_RANK=1' \
        && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$pushsim")" ]; then
      rank1=$pid
    fi
  done
  [ -n "$rank1" ] && break
  sleep 0.1
done
[ -n "$rank1" ] || fail "rank 1 of the job never started"
sleep 1
kill -9 "$rank1"
start=$(date +%s)
set +e
for _ in $(seq 1 600); do
  kill -0 "$job" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$job" 2>/dev/null && fail "mpiexec still runs 60 s after rank 1 was killed (a hang)"
wait "$job"
rc=$?
set -e
job=
[ $rc -ne 0 ] || fail "mpiexec exited 0 after rank 1 was killed"
echo "killed rank: mpiexec exited $rc after $(( $(date +%s) - start )) s"
echo "study_mpi_test: ok"
