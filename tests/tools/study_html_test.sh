#!/usr/bin/env bash
# study_html_test.sh PUSHSIM SOURCE_DIR: the study HTML report rendered in headless Chromium (Debian `chromium`,
# playwright-core from tests/clients/node_modules; both installed by scripts/setup.sh).
# 1. `pushsim study` with two plans and a two-value sweep writes --html and --json;
# 2. study_html_browser.js checks, against the JSON, every histogram, the comparison tables and the tornado chart;
# 3. png_check.py: the page and the tornado chart are not blank and carry their colours;
# 4. the checks can fail: the same page with its charts cut out must be rejected.
set -euo pipefail
pushsim=$1
src=$2
node=$src/tests/clients/node_modules/.bin/node
chromium=${CHROMIUM:-/usr/bin/chromium}
here=$src/tests/tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$node" ] && [ -d "$src/tests/clients/node_modules/playwright-core" ] \
  || fail "node 22 and playwright-core are not in tests/clients/node_modules: run scripts/setup.sh"
[ -x "$chromium" ] || fail "$chromium not found: run scripts/setup.sh (Debian package chromium)"
export NODE_PATH=$src/tests/clients/node_modules CHROMIUM=$chromium
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache TMPDIR=$tmp
mkdir -p "$HOME"
browser() { timeout -k 10 90 "$node" "$here/study_html_browser.js" "$@"; }

python3 - "$src/scenarios/hotfix_revenue_rollup.json" "$tmp" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["plan"]
json.dump(plan, open(sys.argv[2] + "/a.plan.json", "w"))
plan["waves"][0]["select"]["share_percent"] = 20
json.dump(plan, open(sys.argv[2] + "/b.plan.json", "w"))
PY
"$pushsim" study --replications 8 --jobs 2 --set /population/count=300 --plan "$tmp/a.plan.json" \
  --plan "$tmp/b.plan.json" --sweep "/population/customization/trigger/default=0.002,0.05" \
  --html "$tmp/study.html" --json "$tmp/study.json" >"$tmp/study.out" 2>&1 \
  || fail "pushsim study failed: $(cat "$tmp/study.out")"

browser "$tmp/study.html" "$tmp/study.json" "$tmp/shots" || fail "the rendered study lacks charts (above)"
python3 "$here/png_check.py" "$tmp/shots/page.png" --min-ink 0.02 --colour 2563eb:2000 || fail "blank page"
python3 "$here/png_check.py" "$tmp/shots/tornado.png" --min-ink 0.05 --min-colours 3 || fail "blank tornado"

python3 - "$tmp/study.html" "$tmp/doctored.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
cut = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)
assert cut != html
open(sys.argv[2], "w", encoding="utf-8").write(cut)
PY
set +e
browser "$tmp/doctored.html" "$tmp/study.json" "$tmp/doctored" 2>"$tmp/doctored.err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "a study page without charts passed (exit $rc): $(cat "$tmp/doctored.err")"
grep -qF "no histogram svg#hist-0-blast_radius_orgs-0" "$tmp/doctored.err" || fail "the check does not miss the histogram"
grep -qF "no tornado chart" "$tmp/doctored.err" || fail "the check does not miss the tornado chart"
echo "study_html_test: 1 passed; a page with its charts cut out was rejected"
