#!/usr/bin/env python3
"""Cross-checks `pushsim study` against scipy.stats: means, sd, Student-t intervals, percentiles (numpy's
linear interpolation), Wilson intervals on booleans and the paired-t comparison, recomputed from the study's
own per-replication CSV. Usage: study_scipy_check.py PUSHSIM SOURCE_DIR WORK_DIR (run by ctest with
tests/.venv/bin/python, which scripts/setup.sh installs)."""
import csv, json, math, os, subprocess, sys

import numpy as np
from scipy import stats

pushsim, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
scenario = json.load(open(os.path.join(source, "scenarios/hotfix_revenue_rollup.json")))
plan_a = scenario["plan"]
plan_b = json.loads(json.dumps(plan_a))
plan_b["waves"][0]["select"]["share_percent"] = 20  # a bigger canary
paths = []
for name, plan in (("a.plan.json", plan_a), ("b.plan.json", plan_b)):
    paths.append(os.path.join(work, name))
    json.dump(plan, open(paths[-1], "w"))
out_json, out_csv = os.path.join(work, "study.json"), os.path.join(work, "study.csv")
confidence = 0.9
subprocess.run([pushsim, "study", "--replications", "40", "--jobs", "2", "--confidence", str(confidence),
                "--set", "/population/count=600", "--plan", paths[0], "--plan", paths[1],
                "--json", out_json, "--csv", out_csv], check=True, stdout=subprocess.DEVNULL)
study = json.load(open(out_json))
rows = list(csv.DictReader(open(out_csv)))
failures = []

def close(what, ours, theirs, tol=1e-9):
    if not math.isclose(ours, theirs, rel_tol=tol, abs_tol=tol):
        failures.append(f"{what}: pushsim {ours!r}, scipy {theirs!r}")

def column(plan, metric):
    return [(int(r["replication"]), float(r[metric])) for r in rows if r["plan"] == plan and r[metric] != ""]

checked = 0
for plan in study["plans"]:
    for metric, got in plan["metrics"].items():
        values = np.array([v for _, v in column(plan["name"], metric)])
        where = f"{plan['name']} {metric}"
        if "proportion" in got:
            ci = stats.binomtest(int(values.sum()), len(values)).proportion_ci(confidence, method="wilson")
            close(where + " proportion", got["proportion"], values.mean())
            close(where + " wilson low", got["ci_low"], ci.low)
            close(where + " wilson high", got["ci_high"], ci.high)
        else:
            close(where + " mean", got["mean"], values.mean())
            close(where + " sd", got["sd"], values.std(ddof=1))
            if values.std(ddof=1) > 0:
                low, high = stats.t.interval(confidence, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
                close(where + " ci_low", got["ci_low"], low)
                close(where + " ci_high", got["ci_high"], high)
            for q in (5, 50, 95):
                close(where + f" p{q}", got[f"p{q}"], np.percentile(values, q))
        checked += 1

for c in study["comparisons"]:
    a, b = dict(column(c["baseline"], c["metric"])), dict(column(c["plan"], c["metric"]))
    d = np.array([b[i] - a[i] for i in sorted(a) if i in b])
    close(f"{c['metric']} mean difference", c["mean_difference"], d.mean())
    if d.std(ddof=1) > 0:
        low, high = stats.t.interval(confidence, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        close(f"{c['metric']} paired ci_low", c["ci_low"], low)
        close(f"{c['metric']} paired ci_high", c["ci_high"], high)
        p = stats.ttest_rel([b[i] for i in sorted(a) if i in b], [a[i] for i in sorted(a) if i in b]).pvalue
        if c["significant"] != (p < 1 - confidence):
            failures.append(f"{c['metric']}: significant {c['significant']} but paired t-test p = {p}")
    checked += 1

for f in failures:
    print("MISMATCH", f)
print(f"checked {checked} summaries against scipy {stats.__name__} ({len(failures)} mismatches)")
sys.exit(1 if failures or checked == 0 else 0)
