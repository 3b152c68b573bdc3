#!/usr/bin/env bash
# version_test.sh PUSHSIM SOURCE_DIR: `pushsim --version` prints the build's version (git describe, or the CMake
# project version from a tarball) and exits 0; every report of a run and of a study names the same version; the digest
# is the same whatever the version (it is never folded in).
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin); [d:=d[k] for k in sys.argv[1:]]; print(d)' "$@"; }

version=$("$pushsim" --version) || fail "pushsim --version exited $?"
[ "$(printf '%s\n' "$version" | wc -l)" -eq 1 ] || fail "--version printed more than one line: $version"
printf '%s\n' "$version" | grep -Eq '^v?[0-9]+\.[0-9]+\.[0-9]+' || fail "--version: '$version' is not a version"

"$pushsim" run "$src/scenarios/schema_change_staged.json" --set /population/count=200 --json "$tmp/r.json" \
  --junit "$tmp/r.xml" --html "$tmp/r.html" >"$tmp/r.out" 2>"$tmp/r.err" || true
[ -s "$tmp/r.json" ] || fail "run wrote no JSON: $(cat "$tmp/r.err")"
[ "$(json_get pushsim_version < "$tmp/r.json")" = "$version" ] || fail "run --json: pushsim_version is not '$version'"
grep -qF "<property name=\"pushsim_version\" value=\"$version\"/>" "$tmp/r.xml" || fail "run --junit names no version"
grep -qF "pushsim $version" "$tmp/r.html" || fail "run --html names no version"

"$pushsim" study "$src/scenarios/schema_change_staged.json" --set /population/count=50 --replications 2 \
  --json "$tmp/s.json" --junit "$tmp/s.xml" --html "$tmp/s.html" >"$tmp/s.out" 2>"$tmp/s.err" || true
[ -s "$tmp/s.json" ] || fail "study wrote no JSON: $(cat "$tmp/s.err")"
[ "$(json_get pushsim_version < "$tmp/s.json")" = "$version" ] || fail "study --json: pushsim_version is not '$version'"
grep -qF "<property name=\"pushsim_version\" value=\"$version\"/>" "$tmp/s.xml" || fail "study --junit names no version"
grep -qF "pushsim $version" "$tmp/s.html" || fail "study --html names no version"
echo "ok: $version"
