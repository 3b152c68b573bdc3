#!/usr/bin/env python3
"""history_truth.py SNAPSHOT_DIR TRUTH_JSON [COUNTS_JSON]: checks that `pushsim snapshot --history` wrote the push
history the server's ground truth (GET /pushsim/v1/truth) says happened: one PackagePushJob per pushed org, each
org's last job Failed exactly when the truth says failed, with a PackagePushError of the truth's ErrorType; the
failed counts in total and per ErrorType equal the truth's summary. Writes the failed count per request to
COUNTS_JSON (for the backtest). Exit 1 naming the first difference."""
import collections
import json
import os
import sys


def records(folder, name):
    return json.load(open(os.path.join(folder, name)))["records"]


def fail(message):
    print("FAIL: history vs truth: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    folder, truth_file = sys.argv[1:3]
    truth = json.load(open(truth_file))
    requests = {r["Id"]: r for r in records(folder, "push_requests.json")}
    jobs = {j["Id"]: j for j in records(folder, "push_jobs.json")}
    errors = collections.defaultdict(list)
    for e in records(folder, "push_errors.json"):
        errors[e["PackagePushJobId"]].append(e["ErrorType"])
    pushed = [o for o in truth["orgs"] if o["attempts"] > 0]
    if len(jobs) != sum(o["attempts"] for o in pushed):
        fail(f"{len(jobs)} jobs in the history, the truth counts {sum(o['attempts'] for o in pushed)} attempts")
    failed_by_request = collections.Counter()
    failed_by_type = collections.Counter()
    for o in pushed:
        job = jobs.get(o["last_job"])
        if job is None:
            fail(f"org {o['org']}: its last job {o['last_job']} is not in the history")
        if job["SubscriberOrganizationKey"][:15] != o["org"][:15]:
            fail(f"job {job['Id']} is for {job['SubscriberOrganizationKey']}, the truth says {o['org']}")
        if job["PackagePushRequestId"] not in requests:
            fail(f"job {job['Id']}: its request {job['PackagePushRequestId']} is not in the history")
        if (job["Status"] == "Failed") != (o["state"] == "failed"):
            fail(f"org {o['org']}: job {job['Status']}, truth {o['state']}")
        if o["state"] == "failed":
            if o["error_type"] not in errors[job["Id"]]:
                fail(f"org {o['org']}: errors {errors[job['Id']]}, truth {o['error_type']}")
            failed_by_request[job["PackagePushRequestId"]] += 1
            failed_by_type[o["error_type"]] += 1
    summary = truth["summary"]
    if sum(failed_by_request.values()) != summary["failed"] or dict(failed_by_type) != summary["failed_by_type"]:
        fail(f"failed {dict(failed_by_type)} in the history, the truth says {summary['failed_by_type']}")
    counts = {r: failed_by_request.get(r, 0) for r in requests}
    print(f"history holds the truth: {len(requests)} requests, {len(jobs)} jobs, {summary['failed']} failed "
          f"{dict(sorted(failed_by_type.items()))}")
    if len(sys.argv) > 3:
        json.dump(counts, open(sys.argv[3], "w"))


main()
