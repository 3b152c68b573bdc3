#!/usr/bin/env bash
# snapshot_test.sh PUSHSIM SOURCE_DIR: `pushsim snapshot` against `pushsim serve` over loopback.
# 1. A served generated world (the 2,400-org hotfix scenario): its snapshot, imported by `pushsim import`,
#    reproduces every org's key, type, status, instance, parent and installed version exactly as the server's
#    own PackageSubscriber and MetadataPackageVersion rows give them (read here with plain SOQL).
# 2. A served imported world (scenarios/import_own_base.json): the snapshot's import equals the import of the
#    files the world was built from, on the same attributes. With --history, empty history files import too.
# 3. A bad token: exit 1 and nothing written.
. "$(dirname "$0")/push_lib.sh" "$@"  # strict mode, pushsim, src, tmp, the EXIT trap

# key,type,status,instance,parent,version columns of an --orgs-csv file, sorted.
columns() { python3 -c '
import csv, sys
rows = [(r["OrgKey"], r["OrgType"], r["OrgStatus"], r["InstanceName"], r["ParentOrg"], r["InstalledVersion"])
        for r in csv.DictReader(open(sys.argv[1]))]
for r in sorted(rows): print(",".join(r))' "$1"; }

start_server --scenario "$src/scenarios/hotfix_revenue_rollup.json"
mkdir "$tmp/snap"
"$pushsim" snapshot --instance-url "$url" --token "$token" --history 3 --out "$tmp/snap" >"$tmp/snap.out" 2>"$tmp/snap.err" \
  || fail "snapshot: $(cat "$tmp/snap.out" "$tmp/snap.err")"
cat "$tmp/snap.out"
"$pushsim" import "$tmp"/snap/*.json --scenario "$src/scenarios/hotfix_revenue_rollup.json" --orgs-csv "$tmp/imported.csv" \
  >"$tmp/import.out" 2>"$tmp/import.err" || fail "import: $(cat "$tmp/import.out" "$tmp/import.err")"
python3 - "$url" "$token" >"$tmp/server.txt" <<'PY'
import json, sys, urllib.parse, urllib.request
url, token = sys.argv[1:3]
def query(soql):
    target = "/services/data/v60.0/query?q=" + urllib.parse.quote(soql)
    rows = []
    while target:
        req = urllib.request.Request(url + target, headers={"Authorization": "Bearer " + token})
        page = json.load(urllib.request.urlopen(req, timeout=120))
        rows += page["records"]
        target = None if page.get("done", True) else page["nextRecordsUrl"]
    return rows
versions = {v["Id"][:15]: "%d.%d.%d" % (v["MajorVersion"], v["MinorVersion"], v["PatchVersion"])
            for v in query("SELECT Id, MajorVersion, MinorVersion, PatchVersion FROM MetadataPackageVersion")}
out = []
for s in query("SELECT OrgKey, OrgType, OrgStatus, InstanceName, ParentOrg, MetadataPackageVersionId, InstalledStatus FROM PackageSubscriber"):
    v = "none" if s["InstalledStatus"] == "u" else versions[s["MetadataPackageVersionId"][:15]]
    out.append((s["OrgKey"][:15], s["OrgType"], s["OrgStatus"], s["InstanceName"], (s["ParentOrg"] or "")[:15], v))
for r in sorted(out): print(",".join(r))
PY
columns "$tmp/imported.csv" >"$tmp/imported.txt"
[ "$(wc -l <"$tmp/server.txt")" -eq 2400 ] || fail "the server lists $(wc -l <"$tmp/server.txt") subscribers, expected 2400"
diff "$tmp/server.txt" "$tmp/imported.txt" >"$tmp/diff.txt" || fail "the snapshot's import differs from the server: $(head "$tmp/diff.txt")"
echo "generated world: 2400 orgs reproduced"
stop_server

rm -f "$tmp/ready"  # start_server waits for a non-empty ready file
start_server --scenario "$src/scenarios/import_own_base.json"
mkdir "$tmp/snap2"
"$pushsim" snapshot --instance-url "$url" --token "$token" --out "$tmp/snap2" >/dev/null 2>"$tmp/snap2.err" \
  || fail "snapshot 2: $(cat "$tmp/snap2.err")"
"$pushsim" import "$tmp"/snap2/*.json --scenario "$src/scenarios/import_own_base.json" --orgs-csv "$tmp/snap2.csv" >/dev/null \
  || fail "import of snapshot 2"
"$pushsim" import "$src"/scenarios/data/* --scenario "$src/scenarios/import_own_base.json" --orgs-csv "$tmp/data.csv" >/dev/null \
  || fail "import of scenarios/data"
diff <(columns "$tmp/data.csv") <(columns "$tmp/snap2.csv") >"$tmp/diff2.txt" || fail "imported world differs: $(cat "$tmp/diff2.txt")"
echo "imported world: $(($(wc -l <"$tmp/data.csv") - 1)) orgs reproduced"

# push --dry-run --schedule-csv: one row per planned org of the served imported world, its zone the org's own
# when the plan's profiles say so; without --dry-run the flag is refused (exit 2).
write_plan "$tmp/plan.json" "2026-11-27T18:00:00Z"
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --dry-run --journal "$tmp/x.journal" --report-json "$tmp/planned.json" \
  --schedule-csv "$tmp/schedule.csv" >"$tmp/dry.out" 2>"$tmp/dry.err" || fail "dry run: $(cat "$tmp/dry.out" "$tmp/dry.err")"
rows=$(($(wc -l <"$tmp/schedule.csv") - 1))
head -n1 "$tmp/schedule.csv" | grep -qx 'OrgKey,OrgName,Wave,StartUtc,StartLocal,TimeZone,Window' || fail "schedule header: $(head -n1 "$tmp/schedule.csv")"
grep -q '^00D5g000004AcmE,Acme Corp,everyone,' "$tmp/schedule.csv" || fail "Acme is not in the schedule: $(cat "$tmp/schedule.csv")"
echo "push --dry-run --schedule-csv: $rows orgs"
set +e
"$pushsim" push --instance-url "$url" --token "$token" --plan "$tmp/plan.json" --journal "$tmp/y.journal" \
  --schedule-csv "$tmp/schedule2.csv" >/dev/null 2>"$tmp/sched2.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--schedule-csv without --dry-run: exit $rc, expected 2"

mkdir "$tmp/snap3"
set +e
"$pushsim" snapshot --instance-url "$url" --token wrong --out "$tmp/snap3" >/dev/null 2>"$tmp/snap3.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a bad token: exit $rc, expected 1 ($(cat "$tmp/snap3.err"))"
[ -z "$(ls -A "$tmp/snap3")" ] || fail "a failed snapshot wrote files: $(ls "$tmp/snap3")"
echo "bad token: exit 1, nothing written"
