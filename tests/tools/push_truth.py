#!/usr/bin/env python3
"""push_truth.py: server-side truth for the `pushsim push` misuse tests, read from `pushsim serve` over loopback.

  push_truth.py ids URL TOKEN
      one line "requests R jobs J <digest>": the Ids of every PackagePushRequest and PackagePushJob (not their
      statuses, which move on with the server's clock): equal before and after means nothing was pushed.
  push_truth.py open URL TOKEN VERSION
      the Ids of the push requests of VERSION (e.g. 2.3.2) that are Created, Pending or InProgress, one a line.
  push_truth.py check URL TOKEN ADMIN_TOKEN VERSION [--planned PLAN_JSON --journal J ...]
      the invariants of issue 11: no org with two jobs of VERSION (SOQL) and none whose ground truth ran two jobs
      (GET /pushsim/v1/truth); no request left in Created. With --planned (the dry run's plan) also: every planned
      org has a job of VERSION unless Salesforce refused it at job creation (the add_jobs results of the given
      journals name it), every such job Succeeded or Failed (the org upgraded or failed with an error), and no job
      for an org the plan did not plan. Prints the counts; exit 1 on a violation.
"""
import argparse
import collections
import hashlib
import json
import sys
import urllib.parse
import urllib.request


def get(url, token, target):
    req = urllib.request.Request(url + target, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def query(url, token, soql):
    page = get(url, token, "/services/data/v60.0/query?q=" + urllib.parse.quote(soql))
    rows = list(page["records"])
    for _ in range(100000):
        if page.get("done", True):
            break
        page = get(url, token, page["nextRecordsUrl"])
        rows += page["records"]
    return rows


def version_id(url, token, version):
    major, minor, patch = (int(x) for x in version.split("."))
    for v in query(url, token, "SELECT Id, MajorVersion, MinorVersion, PatchVersion FROM MetadataPackageVersion"):
        if (v["MajorVersion"], v["MinorVersion"], v.get("PatchVersion") or 0) == (major, minor, patch):
            return v["Id"]
    sys.exit(f"push_truth: no MetadataPackageVersion {version}")


def requests(url, token):
    return query(url, token, "SELECT Id, PackageVersionId, Status FROM PackagePushRequest")


def jobs(url, token):
    return query(url, token, "SELECT Id, PackagePushRequestId, SubscriberOrganizationKey, Status FROM PackagePushJob")


def journal_refusals(paths):
    """Orgs Salesforce refused at job creation, as the journals' add_jobs results name them (15-character keys)."""
    refused = set()
    for path in paths:
        try:
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                j = json.loads(line)
            except ValueError:
                continue
            if isinstance(j, dict) and j.get("t") == "result" and j.get("kind") == "add_jobs":
                refused.update(k[:15] for k, _ in j.get("excluded", []))
    return refused


def planned_orgs(path):
    plan = json.load(open(path))
    out = set()
    for w in plan["waves"]:
        for s in w["slot_list"]:
            for o in s["orgs"]:
                out.add((o if isinstance(o, str) else o["org_key"])[:15])
    return out


def cmd_ids(a):
    req_ids = sorted(r["Id"] for r in requests(a.url, a.token))
    job_ids = sorted(j["Id"] for j in jobs(a.url, a.token))
    digest = hashlib.sha256("\n".join(req_ids + job_ids).encode()).hexdigest()[:16]
    print(f"requests {len(req_ids)} jobs {len(job_ids)} {digest}")


def cmd_open(a):
    vid = version_id(a.url, a.token, a.version)
    for r in requests(a.url, a.token):
        if r["PackageVersionId"] == vid and r["Status"] in ("Created", "Pending", "InProgress"):
            print(r["Id"])


def cmd_check(a):
    vid = version_id(a.url, a.token, a.version)
    reqs = requests(a.url, a.token)
    target_reqs = {r["Id"] for r in reqs if r["PackageVersionId"] == vid}
    target_jobs = [j for j in jobs(a.url, a.token) if j["PackagePushRequestId"] in target_reqs]
    per_org = collections.Counter(j["SubscriberOrganizationKey"][:15] for j in target_jobs)
    dups = sorted(k for k, n in per_org.items() if n > 1)
    created = sorted(r["Id"] for r in reqs if r["Status"] == "Created")
    truth = get(a.url, a.admin_token, "/pushsim/v1/truth")
    ran_twice = sorted(o["org"] for o in truth["orgs"] if o.get("attempts", 0) > 1)
    problems = []
    if dups:
        problems.append(f"{len(dups)} orgs with two or more jobs of {a.version} (e.g. {dups[:3]})")
    if ran_twice:
        problems.append(f"{len(ran_twice)} orgs whose ground truth ran two or more jobs (e.g. {ran_twice[:3]})")
    if created:
        problems.append(f"{len(created)} requests left in Created ({created[:5]})")
    line = (f"requests {len(reqs)}, jobs of {a.version} {sum(per_org.values())} for {len(per_org)} orgs, "
            f"duplicates {len(dups)}, ground truth ran twice {len(ran_twice)}, requests in Created {len(created)}")
    if a.planned:
        planned = planned_orgs(a.planned)
        refused = journal_refusals(a.journal) & planned
        lost = sorted(planned - refused - set(per_org))
        unfinished = sorted(j["SubscriberOrganizationKey"][:15] + " " + j["Status"] for j in target_jobs
                            if j["Status"] not in ("Succeeded", "Failed"))
        extra = sorted(set(per_org) - planned)
        line += (f", planned {len(planned)}, refused at job creation {len(refused)}, forgotten {len(lost)}, "
                 f"jobs for unplanned orgs {len(extra)}, jobs neither Succeeded nor Failed {len(unfinished)}")
        if not planned:
            problems.append("the plan plans no org")
        if lost:
            problems.append(f"{len(lost)} planned orgs with no job and no refusal (e.g. {lost[:3]})")
        if unfinished:
            problems.append(f"{len(unfinished)} orgs neither upgraded nor failed: their job is (e.g.) {unfinished[:3]}")
        if extra:
            problems.append(f"{len(extra)} jobs for orgs the plan did not plan (e.g. {extra[:3]})")
    print(line)
    for p in problems:
        print("  VIOLATION: " + p)
    sys.exit(1 if problems else 0)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ids")
    p.add_argument("url")
    p.add_argument("token")
    p.set_defaults(run=cmd_ids)
    p = sub.add_parser("open")
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("version")
    p.set_defaults(run=cmd_open)
    p = sub.add_parser("check")
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("admin_token")
    p.add_argument("version")
    p.add_argument("--planned")
    p.add_argument("--journal", action="append", default=[])
    p.set_defaults(run=cmd_check)
    a = ap.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
