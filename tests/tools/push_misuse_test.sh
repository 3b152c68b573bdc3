#!/usr/bin/env bash
# push_misuse_test.sh PUSHSIM SOURCE_DIR: `pushsim push` used as a careless or hurried operator would (issue 11,
# items 1-6), against `pushsim serve` (1,000 orgs of the 22,210-org scenario, speed 2000) behind a loopback proxy
# that logs what the client sends (tests/tools/push_proxy.py) and can take the instance away. Each item asserts the
# exit code, the message, the server's truth (tests/tools/push_truth.py: no org with two jobs of the target
# version, no planned org forgotten, no request left in Created) and the files on disk (journal intact; nothing
# written on exit 2; no side-effecting request on the wire on exit 2).
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp
. "$(dirname "$0")/push_misuse_lib.sh"
trap 'exit 143' TERM INT HUP
trap 'stop_isolated; kill_children; if [ -n "${PUSH_TEST_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi' EXIT   # PUSH_TEST_KEEP=1: keep the files
orgs=1000
kill_line=25   # PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE: requests created, jobs being added, none scheduled yet
items="1 2 2b 2c 3 4 4b 5 6"
only=${PUSH_MISUSE_ITEMS:-$items}   # to run some items only while debugging, e.g. PUSH_MISUSE_ITEMS="2 5"
want() { [[ " $only " == *" $1 "* ]]; }

# nothing_pushed WHAT IDS_BEFORE: no side-effecting request reached the proxy since wire_reset, and the server's
# push requests and jobs are those of IDS_BEFORE.
nothing_pushed() {
  local n; n=$(wire_side_effects)
  [ "$n" -eq 0 ] || fail "$1: $n side-effecting requests sent: $(grep -aE '(POST|PATCH|PUT|DELETE) /' "$tmp/wire.log" | head -n 3)"
  [ "$(server_ids)" = "$2" ] || fail "$1: the server's requests or jobs changed: $2 -> $(server_ids)"
}
# killed_run JOURNAL: a push killed by the journal hook at line $kill_line (exit 137).
killed_run() {
  env_args=(PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=$kill_line)
  push_fg killed 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$1"
  env_args=()
  [ "$rc" -eq 137 ] || fail "the push with the kill hook at line $kill_line exited $rc, not 137: $(tail -n 5 "$tmp/killed.err")"
  journal_intact "$1"
}

# ---- 1. Two processes on the same journal: the second exits 2 naming the holder's pid ----
item_1() {
  new_world $orgs
  j1=$tmp/one.journal
  push_bg first --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1"
  first_pid=$push_pid
  wait_journal_lines "$j1" 1 60
  sleep 0.1
  push_fg second 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1" --resume \
    --report-json "$tmp/second.json" --failures-csv "$tmp/second.csv"
  alive "$first_pid" || fail "1: the first push had finished before the second one ended: the lock was not exercised"
  expect_rc second 2 "journal $j1 is locked by pid $first_pid"
  push_fg third 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1" --report-json "$tmp/third.json"
  expect_rc third 2 "journal $j1 is locked by pid $first_pid"
  [ ! -e "$tmp/second.json" ] && [ ! -e "$tmp/second.csv" ] && [ ! -e "$tmp/third.json" ] || fail "1: a refused run wrote its outputs"
  wait_bounded "$first_pid" 180
  expect_rc first 0
  journal_intact "$j1"
  check_truth --planned "$tmp/planned.json" --journal "$j1" || fail "1: server truth after the locked-out second process"
  echo "1. second process on a locked journal: exit 2 naming pid $first_pid; the first finished alone"

  # The issue's reproduction: the second (--resume) started 0.1 s after the first, whatever the first is doing.
  new_world $orgs
  j1=$tmp/one_b.journal
  push_bg first_b --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1"
  first_pid=$push_pid
  sleep 0.1
  push_fg second_b 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1" --resume
  second_pid=$push_pid
  expect_rc second_b 2   # locked by the first, or (had it not started yet) no journal to resume
  wait_bounded "$first_pid" 180
  if [ "$rc" -ne 0 ]; then
    # The second took the lock first: the first must have been refused, naming it; then it is run again.
    expect_rc first_b 2 "journal $j1 is locked by pid $second_pid"
    push_fg first_b 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j1"
    expect_rc first_b 0
  fi
  journal_intact "$j1"
  check_truth --planned "$tmp/planned.json" --journal "$j1" || fail "1: server truth after two processes 0.1 s apart"
  echo "1. two processes 0.1 s apart: the second exits 2 ($(head -n1 "$tmp/second_b.err" | cut -c1-100)...), one push"
}

# ---- 2. --resume with a typo'd, empty or garbage journal; a fresh run after a kill ----
item_2() {
  new_world $orgs
  ids=$(server_ids)
  wire_reset
  push_fg typo 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/no-such.journal" --resume \
    --report-json "$tmp/typo.json" --failures-csv "$tmp/typo.csv"
  expect_rc typo 2 "$tmp/no-such.journal"
  for f in no-such.journal no-such.journal.subscribers.json typo.json typo.csv; do
    [ ! -e "$tmp/$f" ] || fail "2: --resume with a missing journal wrote $f"
  done
  nothing_pushed "2: --resume with a missing journal" "$ids"
  : >"$tmp/empty.journal"
  push_fg empty 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/empty.journal" --resume
  expect_rc empty 2 "$tmp/empty.journal"
  [ ! -s "$tmp/empty.journal" ] && [ ! -e "$tmp/empty.journal.subscribers.json" ] || fail "2: --resume with an empty journal wrote to it"
  nothing_pushed "2: --resume with an empty journal" "$ids"
  python3 -c 'import random, sys; random.seed(11); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(5000)))' >"$tmp/garbage.journal"
  cp "$tmp/garbage.journal" "$tmp/garbage.copy"
  push_fg garbage 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/garbage.journal" --resume
  expect_rc garbage 2 "$tmp/garbage.journal"
  cmp -s "$tmp/garbage.journal" "$tmp/garbage.copy" || fail "2: --resume changed the 5,000-byte garbage journal"
  nothing_pushed "2: --resume with 5,000 random bytes" "$ids"
  # Checked last so that the checks above run: a lock file left behind is a file written on an exit-2 path too.
  for f in no-such.journal.lock empty.journal.lock garbage.journal.lock; do
    [ ! -e "$tmp/$f" ] || fail "2: a refused --resume left $f behind"
  done
  echo "2. --resume with a missing, empty or garbage journal: exit 2, nothing sent, nothing written"
}

# ---- 2b. A fresh run under a new journal name after a kill: exit 2 listing the open requests ----
item_2b() {
  new_world $orgs
  killed_run "$tmp/first.journal"
  open=$(open_requests)
  [ -n "$open" ] || fail "2b: the killed run left no open request (kill line $kill_line too early?)"
  ids=$(server_ids)
  wire_reset
  push_fg fresh 60 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/second.journal" \
    --report-json "$tmp/fresh.json"
  expect_rc fresh 2 "--adopt-open-requests" $open
  [ ! -e "$tmp/second.journal" ] && [ ! -e "$tmp/fresh.json" ] || fail "2b: the refused fresh run wrote its journal or report"
  nothing_pushed "2b: fresh run under a new journal name after a kill" "$ids"
  push_fg adopt 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/second.journal" --adopt-open-requests
  expect_rc adopt 0
  journal_intact "$tmp/second.journal"
  check_truth --planned "$tmp/planned.json" --journal "$tmp/first.journal" --journal "$tmp/second.journal" \
    || fail "2b: server truth after --adopt-open-requests"
  echo "2b. fresh run under a new name after a kill: exit 2 listing $(echo $open | wc -w) open requests; --adopt-open-requests: exit 0, no second job"
}

# ---- 2c. An adopting run killed right after its bind record, then --resume ----
# The bind record names the adopted requests, so the resumed run still schedules those left in Created and waits
# for them: none stays in Created (forgotten orgs), none of their orgs gets a second job.
item_2c() {
  new_world $orgs
  killed_run "$tmp/c_first.journal"
  open=$(open_requests)
  [ -n "$open" ] || fail "2c: the killed run left no open request"
  env_args=(PUSHSIM_PUSH_KILL_AFTER_BIND=1)
  push_fg adopt_killed 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/c_second.journal" --adopt-open-requests
  env_args=()
  [ "$rc" -eq 137 ] || fail "2c: the adopting push with the after-bind kill hook exited $rc, not 137: $(tail -n 5 "$tmp/adopt_killed.err")"
  head -n 1 "$tmp/c_second.journal" | grep -q '"adopted":\["0DV' || fail "2c: the bind record does not name the adopted requests: $(head -c 300 "$tmp/c_second.journal")"
  push_fg adopt_resumed 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/c_second.journal" --resume
  expect_rc adopt_resumed 0 "adopted"
  journal_intact "$tmp/c_second.journal"
  check_truth --planned "$tmp/planned.json" --journal "$tmp/c_first.journal" --journal "$tmp/c_second.journal" \
    || fail "2c: server truth after an adopting run was killed after its bind record and resumed"
  echo "2c. adopting run killed after its bind record, then --resume: exit 0, adopted requests scheduled and awaited"
}

# ---- 3. --resume with another plan, another target, another instance ----
item_3() {
  new_world $orgs
  j3=$tmp/three.journal
  killed_run "$j3"
  cp "$j3" "$tmp/three.copy"
  ids=$(server_ids)
  write_plan "$tmp/other_plan.json" "$now" 'p["concurrency"]["orgs_per_request"] = 250; p["job_creation"]["batch_size"] = 40'
  write_plan "$tmp/other_target.json" "$now" 'p["concurrency"]["orgs_per_request"] = 250; p["job_creation"]["batch_size"] = 50; p["target"]["version"] = "2.4.0"'
  wire_reset
  push_fg other_plan 60 --instance-url "$url" --token "$token" --plan "$tmp/other_plan.json" --journal "$j3" --resume
  expect_rc other_plan 2 "plan"
  push_fg other_target 60 --instance-url "$url" --token "$token" --plan "$tmp/other_target.json" --journal "$j3" --resume
  expect_rc other_target 2 "target version"
  cmp -s "$j3" "$tmp/three.copy" || fail "3: a refused --resume changed the journal"
  nothing_pushed "3: --resume with another plan or target" "$ids"
  push_fg resume3 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j3" --resume
  expect_rc resume3 0
  journal_intact "$j3"
  check_truth --planned "$tmp/planned.json" --journal "$j3" || fail "3: server truth after the right --resume"
  cp "$j3" "$tmp/three.copy"
  cp "$j3.subscribers.json" "$tmp/three.subscribers.copy"
  cp "$tmp/plan.json" "$tmp/three.plan.json"   # new_world writes another plan.json (its start is the minute now)
  new_world $orgs --set /seed=7   # another instance; the finished journal and its subscriber snapshot stay
  ids=$(server_ids)
  wire_reset
  push_fg other_instance 60 --instance-url "$url" --token "$token" --plan "$tmp/three.plan.json" --journal "$j3" --resume
  expect_rc other_instance 2 "instance"
  cmp -s "$j3" "$tmp/three.copy" && cmp -s "$j3.subscribers.json" "$tmp/three.subscribers.copy" \
    || fail "3: --resume against another instance changed the journal or the snapshot"
  nothing_pushed "3: --resume against another instance" "$ids"
  echo "3. --resume with another plan / target version / instance: exit 2 naming it, journal unchanged, nothing sent"
}

# ---- 4. The instance goes away mid-run: bounded retries, exit 1, journal intact, resume command ----
item_4() {
  new_world $orgs
  j4=$tmp/four.journal
  give_up_s=70
  push_bg gone --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j4" --give-up-after ${give_up_s}s
  gone_pid=$push_pid
  wait_journal_lines "$j4" 12 60
  stop_proxy
  down=$(date +%s)
  cp "$j4" "$tmp/four.before"
  # Progress: one line a minute on a non-TTY stderr. Sampled shortly before the give-up time.
  for ((i = 0; i < (give_up_s - 4) * 10; i++)); do alive "$gone_pid" || break; sleep 0.1; done
  progress_lines=$(wc -l <"$tmp/gone.err")
  wait_bounded "$gone_pid" $((give_up_s + 60))
  after=$(( $(date +%s) - down ))
  expect_rc gone 1 "--resume" "$j4"
  [ "$after" -ge $((give_up_s - 2)) ] || fail "4: gave up $after s after the instance went away, before --give-up-after ${give_up_s}s"
  [ "$after" -le $((give_up_s + 45)) ] || fail "4: gave up only $after s after the instance went away (--give-up-after ${give_up_s}s)"
  [ "$progress_lines" -ge 1 ] || fail "4: no progress line on stderr (not a terminal) in $((give_up_s - 4)) s without the instance"
  [ "$(wc -l <"$tmp/gone.err")" -le 20 ] || fail "4: $(wc -l <"$tmp/gone.err") stderr lines in ~$((after / 60 + 1)) min, expected about one a minute: $(head -n 5 "$tmp/gone.err")"
  journal_intact "$j4"
  cmp -s -n "$(stat -c %s "$tmp/four.before")" "$j4" "$tmp/four.before" || fail "4: the journal was rewritten, not appended to"
  restart_proxy
  push_fg resume4 180 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j4" --resume
  expect_rc resume4 0
  check_truth --planned "$tmp/planned.json" --journal "$j4" || fail "4: server truth after the instance came back and --resume"
  echo "4. instance gone: exit 1 after $after s (--give-up-after ${give_up_s}s), $progress_lines progress lines, resume then done"
}

# ---- 4b. The instance goes away at each of the first requests of a resumed run ----
# The killed run's last journal lines are create intents without results, so the resumed run first finds out what
# the server has (preflight, then its push requests and jobs). The instance goes away for 3 s the moment the
# resumed run's k-th request arrives (the proxy exits instead of passing it on), k = 1..7. Ending during the outage is allowed only as exit 1 (unreachable:
# then the same --resume once the instance is back); otherwise the run must carry on once the instance is back and
# end with exit 0 within 60 s, not stall until --give-up-after.
item_4b() {
  local k i pid outcome=
  for ((k = 1; k <= 7; k++)); do
    new_world $orgs
    j4=$tmp/four_b$k.journal
    env_args=(PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=7)   # bind, begin, 4 create intents, 1 result; killed before the 2nd
    push_fg killed 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j4"
    env_args=()
    [ "$rc" -eq 137 ] || fail "4b: the push with the kill hook at line 7 exited $rc"
    stop_proxy
    restart_proxy $k   # goes away at the resumed run's k-th request
    push_bg resume4b --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j4" --resume
    pid=$push_pid
    wait_bounded "$proxy_pid" 60 "4b: the proxy waiting for request $k of the resumed run"
    proxy_pid=
    for ((i = 0; i < 30; i++)); do alive "$pid" || break; sleep 0.1; done
    restart_proxy
    if ! alive "$pid"; then
      wait_bounded "$pid" 5
      expect_rc resume4b 1
      push_fg resume4b 120 --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$j4" --resume
      outcome+=" $k:1,then:$rc"
    else
      wait_bounded "$pid" 60 "4b: the resumed run, instance gone at its request $k for 3 s, 60 s after it came back (stderr: $(tail -n 2 "$tmp/resume4b.err"))"
      outcome+=" $k:$rc"
    fi
    expect_rc resume4b 0
    journal_intact "$j4"
    check_truth --planned "$tmp/planned.json" --journal "$j4" >"$tmp/truth.out" || fail "4b: server truth (instance gone at request $k): $(cat "$tmp/truth.out")"
  done
  echo "4b. instance gone for 3 s at request k of a resumed run (k:exit):$outcome; one job per org each time"
}

# ---- 5. Beta, deprecated or unknown target: exit 2 before any side-effecting call, --dry-run too ----
item_5() {
  new_world $orgs
  ids=$(server_ids)
  left_behind=()
  for case in 2.5.0:Beta 1.2.0:deprecated 9.9.9:/target/version; do
    v=${case%%:*}
    word=${case#*:}
    write_plan "$tmp/target.json" "$now" "p['target']['version'] = '$v'"
    for dry in "" --dry-run; do
      rm -rf "$tmp/five" && mkdir "$tmp/five"
      wire_reset
      push_fg target 60 --instance-url "$url" --token "$token" --plan "$tmp/target.json" --journal "$tmp/five/p.journal" \
        --report-json "$tmp/five/report.json" --failures-csv "$tmp/five/failures.csv" $dry
      expect_rc target 2 "$word"
      nothing_pushed "5: target $v $dry" "$ids"
      [ -z "$(ls -A "$tmp/five" | grep -v '\.lock$')" ] || fail "5: target $v $dry wrote $(ls "$tmp/five")"
      if [ -n "$(ls -A "$tmp/five")" ]; then left_behind+=("target $v $dry: $(ls "$tmp/five")"); fi
    done
  done
  # Checked last so that the checks above run: a lock file left behind is a file written on an exit-2 path too.
  [ ${#left_behind[@]} -eq 0 ] || fail "5: refused runs left files behind: ${left_behind[*]}"
  echo "5. Beta / deprecated / unknown target: exit 2 naming it, with and without --dry-run; nothing sent or written"
}

# ---- 6. Control characters in --token or --instance-url: exit 2, not a byte sent ----
item_6() {
  new_world $orgs
  rm -rf "$tmp/six" && mkdir "$tmp/six"
  for bad in $'t0k3n\r\nX-Injected: 1' $'t0k3n\n' $'t0k3n\r'; do
    wire_reset
    push_fg token 30 --instance-url "$url" --token "$bad" --plan "$tmp/plan.json" --journal "$tmp/six/p.journal"
    expect_rc token 2 "--token"
    [ ! -s "$tmp/wire.log" ] || fail "6: a --token with CR/LF was sent: $(head -c 300 "$tmp/wire.log" | cat -v)"
    push_fg token_dry 30 --instance-url "$url" --token "$bad" --plan "$tmp/plan.json" --journal "$tmp/six/p.journal" --dry-run
    expect_rc token_dry 2 "--token"
    [ ! -s "$tmp/wire.log" ] || fail "6: a --token with CR/LF was sent (--dry-run): $(head -c 300 "$tmp/wire.log" | cat -v)"
  done
  wire_reset
  push_fg bad_url 30 --instance-url "$url/"$'\r\nX-Injected: 1' --token "$token" --plan "$tmp/plan.json" --journal "$tmp/six/p.journal"
  expect_rc bad_url 2 "--instance-url"
  [ ! -s "$tmp/wire.log" ] || fail "6: an --instance-url with CR/LF was used: $(head -c 300 "$tmp/wire.log" | cat -v)"
  [ -z "$(ls -A "$tmp/six")" ] || fail "6: refused runs wrote $(ls "$tmp/six")"
  echo "6. CR/LF in --token or --instance-url: exit 2, nothing sent, nothing written"
}
# Each item isolated (see push_misuse_lib.sh), so that one failing item does not hide the others.
failed=()
for n in $items; do
  want $n || continue
  isolated "item_$n" || failed+=("$n")
done
[ ${#failed[@]} -eq 0 ] || fail "items failed: ${failed[*]}"
echo "push_misuse_test: all checks passed"
