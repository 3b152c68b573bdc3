# push_lib.sh: helpers shared by the `pushsim push` end-to-end tests (needs curl, python3).
# Sourced as `. push_lib.sh "$@"` by a test run as SCRIPT PUSHSIM SOURCE_DIR [...]: strict mode, $pushsim, $src, a
# fresh $tmp, and an EXIT trap that stops the server and removes $tmp (a script may set its own instead).
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
trap 'stop_server; rm -rf "$tmp"' EXIT
server_pid=
fail() { echo "FAIL: $*" >&2; exit 1; }
json_get() { python3 -c 'import json,sys; v=json.load(sys.stdin); [v:=v[k] for k in sys.argv[1:]]; print(v if not isinstance(v,bool) else str(v).lower())' "$@"; }
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}

# start_server ARGS...: starts `pushsim serve` on a free loopback port; sets url, token, admin.
start_server() {
  rm -f "$tmp/ready"  # a second server in one script must not read the first one's line
  "$pushsim" serve --port 0 --token t0k3n --admin-token adm1n "$@" >"$tmp/ready" 2>"$tmp/serve.err" &
  server_pid=$!
  for _ in $(seq 1200); do [ -s "$tmp/ready" ] && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  [ -s "$tmp/ready" ] || fail "pushsim serve did not start: $(cat "$tmp/serve.err")"
  url=$(head -n1 "$tmp/ready" | json_get url)
  token=t0k3n
  admin=(-s -H 'Authorization: Bearer adm1n' -H 'Content-Type: application/json')
}

# api_calls: API requests the server has counted so far (its daily API usage).
api_calls() { curl "${admin[@]}" "$url/pushsim/v1/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api"]["usage_24h"])'; }

# write_plan FILE START [PYTHON]: the fast end-to-end plan (no windows, everyone in one wave), edited by PYTHON (on p).
write_plan() {
  python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
p = {"name": "e2e", "target": {"version": "2.3.2"}, "start": sys.argv[2], "seed": 1,
     "slot_granularity": "1m", "poll_interval": "2s",
     "concurrency": {"orgs_per_request": 2000},
     "job_creation": {"mode": "composite_tree", "batch_size": 200},
     "retry": {"max_attempts": 1, "initial_backoff": "1s", "max_backoff": "5s"},
     "waves": [{"name": "everyone"}]}
exec(sys.argv[3])
json.dump(p, open(sys.argv[1], "w"), indent=1)
PY
}

# check_jobs PLAN_JSON JOURNAL: every org the plan planned has exactly one PackagePushJob (SOQL over the API),
# except those Salesforce refused at job creation (the journal's add_jobs results name them, with the reason);
# no job for any other org; no request left in Created. Prints the counts.
check_jobs() {
  python3 - "$url" "$token" "$1" "$2" <<'PY'
import json, sys, urllib.request, urllib.parse, collections
url, token, plan_file, journal = sys.argv[1:5]
def get(target):
    req = urllib.request.Request(url + target, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(req, timeout=120))
def query(soql):
    page = get("/services/data/v60.0/query?q=" + urllib.parse.quote(soql))
    rows = list(page["records"])
    while not page.get("done", True):
        page = get(page["nextRecordsUrl"]); rows += page["records"]
    return rows
plan = json.load(open(plan_file))
planned = set()
for w in plan["waves"]:
    for s in w["slot_list"]:
        for o in s["orgs"]:
            planned.add((o if isinstance(o, str) else o["org_key"])[:15])
refused = set()
for line in open(journal):
    try:
        j = json.loads(line)
    except ValueError:
        continue
    if j.get("t") == "result" and j.get("kind") == "add_jobs":
        refused.update(k[:15] for k, _ in j.get("excluded", []))
planned -= refused
jobs = collections.Counter(r["SubscriberOrganizationKey"][:15] for r in query("SELECT Id, SubscriberOrganizationKey FROM PackagePushJob"))
created = [r["Id"] for r in query("SELECT Id, Status FROM PackagePushRequest") if r["Status"] == "Created"]
lost = sorted(planned - set(jobs))
dups = sorted(k for k, n in jobs.items() if n > 1)
extra = sorted(set(jobs) - planned)
print(f"eligible orgs {len(planned)} (refused by Salesforce at job creation {len(refused)}), orgs with a job {len(set(jobs) & planned)}, jobs {sum(jobs.values())}, "
      f"orgs lost {len(lost)}, duplicate jobs {sum(jobs[k] - 1 for k in dups)}, jobs for unplanned orgs {len(extra)}, "
      f"requests left in Created {len(created)}")
ok = not lost and not dups and not extra and not created and planned
if not ok:
    print("lost", lost[:5], "dups", dups[:5], "extra", extra[:5], "created", created[:5])
sys.exit(0 if ok else 1)
PY
}
