#!/usr/bin/env bash
# push_battery_test.sh PUSHSIM SOURCE_DIR [ROUNDS]: the crash-and-misuse battery of issue 11. Each case starts a
# fresh `pushsim serve` (1,000 orgs of the 22,210-org scenario: 5% transient job-creation failures, 0.5% 503s;
# speed 2000) behind a loopback proxy (tests/tools/push_proxy.py), SIGKILLs `pushsim push` at a seeded random
# point (the journal hook PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=N, or `kill -9` after a random delay), then follows up
# as an operator might:
#   resume    --resume with the right journal: exit 0;
#   typo      --resume with a typo'd journal path: exit 2, nothing sent or written; then the right --resume: exit 0;
#   fresh     a fresh run under a new journal name: exit 2 listing the open requests when the killed run left any
#             request or job on the server (exit 0 when it left none); then the right --resume: exit 0;
#   twice     two --resume processes 0.1 s apart: one exits 0, the other 2 naming the first one's pid;
#   outage    --resume, and the instance goes away for 30 s from the resumed run's k-th request (k random in
#             6..25; the proxy exits then, the server keeps its state) and comes back: exit 0 (the default
#             --give-up-after is 15 min).
# After each case: no org with two jobs of the target version, every planned org has a job unless Salesforce
# refused it at job creation, no request left in Created (tests/tools/push_truth.py). ROUNDS (default 2) rounds
# of the first four cases, one outage.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp
rounds=${3:-2}
. "$(dirname "$0")/push_misuse_lib.sh"
trap 'exit 143' TERM INT HUP
trap 'stop_isolated; kill_children; if [ -n "${PUSH_TEST_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi' EXIT   # PUSH_TEST_KEEP=1: keep the files
orgs=1000
outage_s=30
RANDOM=1111   # the seed of the kill points
t_start=$(date +%s)

# kill_somewhere JOURNAL [early]: a push killed at a random point (exit 137), described in $killed_how. early: by
# the journal hook within the first half of the run (so that the run after it has calls left to make).
kill_somewhere() {
  local how
  if [ "${2:-}" = early ] || [ $((RANDOM % 2)) -eq 0 ]; then
    local line=$((2 + RANDOM % ${lines_max:-50}))   # a whole run writes ~79 lines
    env_args=(PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=$line)
    push_fg killed 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1"
    env_args=()
    how="before journal line $line"
  else
    local delay_ms=$((150 + RANDOM % 1750))   # a whole run takes more than 2 s (it waits for the jobs)
    push_bg killed --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1"
    sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
    kill -KILL "$push_pid" 2>/dev/null || true
    wait_bounded "$push_pid" 30
    how="by kill -9 after $delay_ms ms"
  fi
  [ "$rc" -eq 137 ] || fail "the push to be killed $how exited $rc: $(tail -n 5 "$tmp/killed.err")"
  killed_how="$how, journal lines $(journal_lines "$1"), server $(server_ids)"
}

# resume_way JOURNAL: the right way on after a kill, in the array way: --resume, or a fresh run (no flag) when the
# kill came before the journal's first line (--resume refuses a missing or empty journal).
resume_way() { way=(); if [ -s "$1" ]; then way=(--resume); fi; }

# resume_ok NAME JOURNAL: the right way on (see resume_way), exit 0.
resume_ok() {
  resume_way "$2"
  push_fg "$1" 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$2" "${way[@]}"
  expect_rc "$1" 0
  journal_intact "$2"
}

# no_side_effects WHAT IDS_BEFORE: nothing side-effecting reached the proxy since wire_reset; the server's
# requests and jobs unchanged.
no_side_effects() {
  local n; n=$(wire_side_effects)
  [ "$n" -eq 0 ] || fail "$1: $n side-effecting requests sent"
  [ "$(server_ids)" = "$2" ] || fail "$1: the server's requests or jobs changed: $2 -> $(server_ids)"
}

case_resume() {
  resume_ok resume "$1"
  truth_ok "$1"
}

case_typo() {
  local ids typo=${1%.journal}.jornal
  ids=$(server_ids)
  wire_reset
  push_fg typo 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$typo" --resume
  expect_rc typo 2 "$typo"
  [ ! -e "$typo" ] && [ ! -e "$typo.subscribers.json" ] || fail "typo: --resume with a missing journal wrote it"
  no_side_effects "typo" "$ids"
  resume_ok resume "$1"
  truth_ok "$1"
}

case_fresh() {
  local ids open fresh=${1%.journal}-new.journal
  ids=$(server_ids)
  open=$(open_requests)
  wire_reset
  push_fg fresh 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$fresh"
  if [[ $ids == "requests 0 jobs 0 "* ]]; then
    # The kill came before the first side-effecting call: the server has nothing, a fresh run is right.
    expect_rc fresh 0
    truth_ok "$fresh"
    return
  fi
  expect_rc fresh 2 $open
  [ ! -e "$fresh" ] || fail "fresh: the refused fresh run wrote its journal"
  no_side_effects "fresh" "$ids"
  resume_ok resume "$1"
  truth_ok "$1"
}

case_twice() {
  resume_way "$1"
  push_bg one --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1" "${way[@]}"
  local one=$push_pid
  sleep 0.1
  push_bg two --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1" "${way[@]}"
  local two=$push_pid
  wait_bounded "$one" 180
  local rc_one=$rc
  wait_bounded "$two" 180
  local rc_two=$rc
  if [ "$rc_one" -eq 0 ]; then
    rc=$rc_two
    expect_rc two 2 "journal $1 is locked by pid $one"
  else
    expect_rc one 2 "journal $1 is locked by pid $two"
    rc=$rc_two
    expect_rc two 0
  fi
  journal_intact "$1"
  truth_ok "$1"
}

case_outage() {
  local i k=$((6 + RANDOM % 20))   # past the preflight (an instance unreachable there is exit 1 at once)
  stop_proxy
  restart_proxy $k   # the proxy exits the moment the run's k-th request arrives
  resume_way "$1"
  push_bg outage --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1" "${way[@]}"
  local pid=$push_pid
  for ((i = 0; i < 600; i++)); do alive "$proxy_pid" || break; alive "$pid" || break; sleep 0.1; done
  alive "$pid" || fail "outage: the push ended before its request $k (exit code: see stderr): $(tail -n 3 "$tmp/outage.err")"
  wait_bounded "$proxy_pid" 1 "outage: the proxy waiting for request $k"
  proxy_pid=
  for ((i = 0; i < outage_s * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" || { wait_bounded "$pid" 5; fail "outage: the push exited $rc during a ${outage_s} s outage: $(tail -n 5 "$tmp/outage.err")"; }
  restart_proxy
  wait_bounded "$pid" 120 "outage: the push, 120 s after the instance came back (it went away at request $k; stderr: $(tail -n 2 "$tmp/outage.err"))"
  expect_rc outage 0
  journal_intact "$1"
  truth_ok "$1"
  killed_how+="; instance gone ${outage_s} s from the resumed run's request $k"
}

# truth_ok JOURNAL...: the invariants after the case's last run.
truth_ok() {
  local args=(--planned "$tmp/planned.json") j
  for j in "$@" "$journal"; do args+=(--journal "$j"); done
  check_truth "${args[@]}" >"$tmp/truth.out" || fail "case $name: $(cat "$tmp/truth.out")"
}

cases=()
for ((r = 1; r <= rounds; r++)); do cases+=(resume typo fresh twice); done
cases+=(outage)
if [ -n "${PUSH_BATTERY_CASES:-}" ]; then read -ra cases <<<"$PUSH_BATTERY_CASES"; fi   # e.g. "twice outage" to debug
# run_case N NAME SEED: a fresh world, a kill at a point drawn from SEED, the follow-up NAME, the truth.
run_case() {
  RANDOM=$3
  new_world $orgs
  journal=$tmp/case$1.journal
  if [ "$2" = outage ]; then lines_max=35 kill_somewhere "$journal" early; else kill_somewhere "$journal"; fi
  "case_$2" "$journal"
  echo "case $1 $2: killed $killed_how; then: $(head -n1 "$tmp/truth.out")"
}

# Each case isolated (see push_misuse_lib.sh), so that one failing case does not hide the others. The seeds of
# the kill points are drawn here, in order, so that they do not depend on which case failed.
n=0
failed=()
for name in "${cases[@]}"; do
  n=$((n + 1))
  isolated run_case $n "$name" $RANDOM || failed+=("$n $name")
done
[ ${#failed[@]} -eq 0 ] || fail "cases failed: $(printf '%s, ' "${failed[@]}")"
echo "push_battery_test: all checks passed ($n cases, $(( $(date +%s) - t_start )) s)"
