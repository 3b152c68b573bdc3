#!/usr/bin/env python3
"""backtest_check.py BACKTEST_JSON FAILED_BY_REQUEST_JSON TRUTH_JSON HISTORY_DIR: checks `pushsim backtest --json`
of one request of a history made against `pushsim serve`: its actual failed count (in total, per ErrorType and
per org) is what the server's truth says for that request, and the scores are well-formed and consistent with
the per-org rows (Brier score = mean of the rows' (p - y)^2, every org in exactly one reliability bin, each
bin's mean prediction and observed share recomputed from the rows). Exit 1 naming the first problem."""
import collections
import json
import os
import sys


def fail(message):
    print("FAIL: backtest: " + message, file=sys.stderr)
    sys.exit(1)


def near(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def truth_of_request(history, truth, request):
    """org (15) -> error type or None, for the request's jobs, from the truth."""
    jobs = json.load(open(os.path.join(history, "push_jobs.json")))["records"]
    in_request = {j["Id"] for j in jobs if j["PackagePushRequestId"][:15] == request}
    return {o["org"][:15]: o.get("error_type") for o in truth["orgs"] if o.get("last_job") in in_request}


def check_actuals(b, expected_failed, outcomes):
    if b["failed"]["actual"] != expected_failed:
        fail(f"actual failed {b['failed']['actual']}, the server's truth says {expected_failed}")
    if b["orgs"] != len(outcomes) or len(b["org_forecasts"]) != len(outcomes):
        fail(f"{b['orgs']} orgs scored, the request pushed {len(outcomes)}")
    for row in b["org_forecasts"]:
        truth_type = outcomes.get(row["org"])
        if row["failed"] != (truth_type is not None) or (row["failed"] and row["error_type"] != truth_type):
            fail(f"org {row['org']}: failed {row['failed']} {row['error_type']}, truth {truth_type}")
    by_type = collections.Counter(t for t in outcomes.values() if t)
    scored = {t["name"]: t["actual"] for t in b["failed_by_type"] if t["actual"] > 0}
    if scored != dict(by_type):
        fail(f"actual per ErrorType {scored}, truth {dict(by_type)}")


def check_count(c):
    if not (c["predicted_p5"] <= c["predicted_mean"] <= c["predicted_p95"]):
        fail(f"{c['name']}: mean {c['predicted_mean']} outside its interval")
    if c["inside"] != (c["predicted_p5"] <= c["actual"] <= c["predicted_p95"]):
        fail(f"{c['name']}: 'inside' is {c['inside']} for {c['actual']} in [{c['predicted_p5']}, {c['predicted_p95']}]")


def check_scores(b):
    rows = b["org_forecasts"]
    for row in rows:
        p, y = row["failure_probability"], 1.0 if row["failed"] else 0.0
        if not 0.0 <= p <= 1.0 or not near(row["brier"], (p - y) ** 2):
            fail(f"org {row['org']}: probability {p}, brier {row['brier']}")
    if not near(b["brier"], sum(r["brier"] for r in rows) / len(rows)):
        fail(f"brier {b['brier']} is not the mean of the orgs' scores")
    share = sum(r["failed"] for r in rows) / len(rows)
    if not near(b["brier_reference"], share * (1 - share)):
        fail(f"brier_reference {b['brier_reference']}, expected {share * (1 - share)}")
    bins = b["reliability"]
    if len(bins) != 10 or sum(x["orgs"] for x in bins) != len(rows):
        fail(f"reliability: {len(bins)} bins holding {sum(x['orgs'] for x in bins)} orgs of {len(rows)}")
    for k, x in enumerate(bins):
        members = [r for r in rows if min(9, int(r["failure_probability"] * 10)) == k]
        if x["orgs"] != len(members):
            fail(f"reliability bin {k}: {x['orgs']} orgs, expected {len(members)}")
        if members and not (near(x["mean_predicted"], sum(r["failure_probability"] for r in members) / len(members))
                            and near(x["observed_share"], sum(r["failed"] for r in members) / len(members))):
            fail(f"reliability bin {k}: {x}")
    for c in [b["failed"]] + b["failed_by_type"]:
        check_count(c)


def main():
    backtest_file, counts_file, truth_file, history = sys.argv[1:5]
    b = json.load(open(backtest_file))
    expected = json.load(open(counts_file))
    request = b["request"]
    full = [r for r in expected if r[:15] == request]
    if len(full) != 1:
        fail(f"request {request} is not one of {list(expected)}")
    check_actuals(b, expected[full[0]], truth_of_request(history, json.load(open(truth_file)), request))
    check_scores(b)
    print(f"backtest of {request}: actual failed {b['failed']['actual']} (the server's truth), predicted mean "
          f"{b['failed']['predicted_mean']:.1f} in [{b['failed']['predicted_p5']:.1f}, {b['failed']['predicted_p95']:.1f}], "
          f"Brier {b['brier']:.4f}")


main()
