#!/usr/bin/env python3
"""redact_check.py REAL_CSV... -- REDACTED_CSV... -- OUTPUT...: checks a --redact run against the same run without it.

REAL_CSV / REDACTED_CSV: the same CSV outputs (first column an org key, second its name) of the run without and with
--redact, in the same order; their rows must match one for one. OUTPUT: every file the redacted run wrote, and its
stdout. Fails (exit 1, saying what) when a real org key or name appears in an output, when an org's pseudonym differs
between outputs, when a pseudonym does not look like an org id, or when two orgs share a pseudonym.
"""
import csv
import re
import sys


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))[1:]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    first = args.index("--")
    second = args.index("--", first + 1)
    real_files, redacted_files, outputs = args[:first], args[first + 1:second], args[second + 1:]
    key_of, name_of = {}, {}
    for real, redacted in zip(real_files, redacted_files):
        a, b = rows(real), rows(redacted)
        if len(a) != len(b) or not a:
            fail(f"{redacted}: {len(b)} rows, {real}: {len(a)}")
        for ra, rb in zip(a, b):
            for seen, real_value, pseudonym in ((key_of, ra[0], rb[0]), (name_of, ra[1], rb[1])):
                if seen.setdefault(real_value, pseudonym) != pseudonym:
                    fail(f"{real_value} is {seen[real_value]} in one output and {pseudonym} in {redacted}")
    for key, pseudonym in key_of.items():
        if not re.fullmatch(r"00D[0-9A-Za-z]{12}", pseudonym):
            fail(f"pseudonym {pseudonym!r} of {key} does not look like an org id")
    if len(set(key_of.values())) != len(key_of):
        fail("two org keys share a pseudonym")
    secrets = [k for k in key_of if k] + [n for n in name_of if n]
    for path in outputs:
        text = open(path, encoding="utf-8", errors="replace").read()
        for s in secrets:
            if s in text:
                fail(f"{path} holds the real org key or name {s!r}")
    print(f"ok: {len(key_of)} org keys and {len(name_of)} names, none in {len(outputs)} outputs; one pseudonym each")


main()
