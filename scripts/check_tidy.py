#!/usr/bin/env python3
"""check_tidy.py: clang-tidy (.clang-tidy) over every pushsim translation unit of a build, two at a time, within a
time budget, skipping units already found clean with exactly the same inputs. Run through scripts/check-tidy.sh.

A unit's key is the SHA-256 of clang-tidy's version, .clang-tidy, the compile command and the content of every file
the compiler read for it (the build's own dependency list, `ninja -t deps`, so the build must have run). A clean unit
leaves its key in the cache directory; a unit with findings never does. Exit 1 when any unit has a finding, 0
otherwise; units not reached within the budget are named on stderr (the next run starts with them)."""
import argparse, hashlib, json, os, re, resource, shlex, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor, as_completed

ROOMS = re.compile(r"/(base|sim|mock_org|scheduler|harness|push|changes|tools|tests|bench)/")


def object_deps(build):
    """Object path (relative to build) -> the files ninja recorded it as reading."""
    out = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True).stdout
    deps, current = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            current = line.split(":")[0]
            deps[current] = [] if "(VALID)" in line else None
        elif line.strip() and current is not None and deps[current] is not None:
            deps[current].append(line.strip())
    return deps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--budget-s", type=float, default=float(os.environ.get("PUSHSIM_TIDY_BUDGET_S", "270")))
    ap.add_argument("--cache", default=os.environ.get("PUSHSIM_TIDY_CACHE", os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "pushsim-tidy")))
    ap.add_argument("--no-cache", action="store_true", help="check every unit, remember nothing")
    ap.add_argument("files", nargs="*", help="only these sources (default: every pushsim unit)")
    a = ap.parse_args()
    root = os.getcwd()
    db = json.load(open(os.path.join(a.build, "compile_commands.json")))
    units = [e for e in db if ROOMS.search(e["file"]) and "/build/" not in e["file"]]
    if a.files:
        wanted = {os.path.realpath(f) for f in a.files}
        units = [e for e in units if os.path.realpath(e["file"]) in wanted]
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True).stdout
    config = open(".clang-tidy", "rb").read()
    deps = object_deps(a.build)
    file_hash = {}

    def content(path):
        if path not in file_hash:
            try:
                file_hash[path] = hashlib.sha256(open(path, "rb").read()).hexdigest()
            except OSError:
                file_hash[path] = "missing"
        return file_hash[path]

    def key(e):
        args = shlex.split(e["command"])
        obj = args[args.index("-o") + 1] if "-o" in args else None
        files = deps.get(obj)
        if a.no_cache or not files:
            return None  # not built yet: always check
        # Paths enter the key relative to the checkout, so a clone elsewhere (CI's) reuses what this one found clean.
        h = hashlib.sha256(version.encode() + config + e["command"].replace(root, "<root>").encode())
        for f in files:
            h.update(f.replace(root, "<root>").encode() + content(os.path.join(a.build, f)).encode())
        return h.hexdigest()

    os.makedirs(a.cache, exist_ok=True)
    todo = []
    for e in units:
        k = key(e)
        if k is None or not os.path.exists(os.path.join(a.cache, k)):
            todo.append((e["file"], k))
    todo.sort(key=lambda t: ("/tests/" in t[0] or "/bench/" in t[0], t[0]))  # the product's code first
    print(f"check-tidy: {len(units)} units, {len(units) - len(todo)} unchanged since found clean, "
          f"{len(todo)} to check (budget {a.budget_s:.0f} s, {a.jobs} at a time)", flush=True)
    start = time.monotonic()
    failed, skipped = [], []

    def run(item):
        path, k = item
        if time.monotonic() - start > a.budget_s:
            return path, k, None, ""
        p = subprocess.run(["clang-tidy", "-p", a.build, "--quiet", path], capture_output=True, text=True)
        return path, k, p.returncode, p.stdout + p.stderr

    with ThreadPoolExecutor(a.jobs) as pool:
        for fut in as_completed([pool.submit(run, t) for t in todo]):
            path, k, rc, text = fut.result()
            rel = os.path.relpath(path, root)
            if rc is None:
                skipped.append(rel)
            elif rc != 0:
                failed.append(rel)
                print(f"check-tidy: {rel}:\n" + "\n".join(
                    l for l in text.splitlines() if "warnings generated" not in l and "Suppressed" not in l
                    and "Use -header-filter" not in l), flush=True)
            elif k is not None:
                open(os.path.join(a.cache, k), "w").close()
    took = time.monotonic() - start
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"check-tidy: {took:.0f} s wall, {cpu.ru_utime + cpu.ru_stime:.0f} s of clang-tidy CPU", flush=True)
    if skipped:
        print(f"check-tidy: budget spent; not checked this time ({len(skipped)}): " + " ".join(sorted(skipped)),
              file=sys.stderr)
    if failed:
        print(f"check-tidy: findings in {len(failed)} unit(s) after {took:.0f} s: " + " ".join(sorted(failed)),
              file=sys.stderr)
        return 1
    print(f"check-tidy: clean ({len(todo) - len(skipped)} checked in {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
