#!/usr/bin/env bash
# html_report_test.sh PUSHSIM SOURCE_DIR: the HTML report rendered in headless Chromium (Debian `chromium`, driven
# by playwright-core from tests/clients/node_modules; both installed by scripts/setup.sh).
# 1. `pushsim run` on a staged rollout that halts on breakage writes --html and --json;
# 2. html_report_browser.js renders the page and checks, against the JSON, that the timeline (upgrades, failures,
#    breakage signals), the wave and halt markers, both blast-radius bar charts and the per-wave table are drawn;
# 3. png_check.py decodes the screenshots: the page and each chart are not blank and carry the charts' colours;
# 4. the checks can fail: the same report with its charts cut out, and a blank PNG, must be rejected.
set -euo pipefail
pushsim=$1
src=$2
scenario=$src/scenarios/schema_change_staged.json
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
# Chromium's own files (crash dumps, caches, fontconfig cache) stay in the temporary directory.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache TMPDIR=$tmp
mkdir -p "$HOME"

browser() {  # browser HTML JSON OUT_DIR: the page checks, the whole browser bounded to 90 s
  timeout -k 10 90 "$node" "$here/html_report_browser.js" "$@"
}

"$pushsim" run "$scenario" --html "$tmp/report.html" --json "$tmp/report.json" >"$tmp/run.out" 2>&1 \
  || fail "pushsim run failed: $(cat "$tmp/run.out")"

# The real report: every chart drawn, screenshots not blank.
browser "$tmp/report.html" "$tmp/report.json" "$tmp/shots" || fail "the rendered report lacks charts (above)"
# Upgrade bars: the legend swatch alone is 100 pixels; a run whose late breakage signals stretch the timeline
# over days draws its upgrade hours a few pixels wide, so the bars' own share is kept modest.
python3 "$here/png_check.py" "$tmp/shots/page.png" --min-ink 0.04 --min-colours 32 \
  --colour 2e7d32:250 --colour c62828:1500 --colour ef6c00:1500 || fail "the page screenshot is blank"
python3 "$here/png_check.py" "$tmp/shots/timeline.png" --min-ink 0.03 --colour 2e7d32:100 || fail "blank timeline"
python3 "$here/png_check.py" "$tmp/shots/by_cause.png" --min-ink 0.05 --colour c62828:1000 || fail "blank cause chart"
python3 "$here/png_check.py" "$tmp/shots/by_customization.png" --min-ink 0.05 --colour ef6c00:1000 \
  || fail "blank customization chart"

# Negative: the same page with its charts and wave rows cut out must fail both checks.
python3 - "$tmp/report.html" "$tmp/doctored.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
cut = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)
cut = re.sub(r"<tr><td>.*?</tr>", "", cut, flags=re.S)
assert cut != html
open(sys.argv[2], "w", encoding="utf-8").write(cut)
PY
set +e
browser "$tmp/doctored.html" "$tmp/report.json" "$tmp/doctored" 2>"$tmp/doctored.err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "a report without charts passed the browser check (exit $rc): $(cat "$tmp/doctored.err")"
for what in "no timeline chart" "no bar chart svg#blast-by-cause" "no bar chart svg#blast-by-customization" \
            "per-wave table has 0 rows"; do
  grep -qF "$what" "$tmp/doctored.err" || fail "the check on a report without charts does not say '$what'"
done
if python3 "$here/png_check.py" "$tmp/doctored/page.png" --min-ink 0.04 --min-colours 32 \
     --colour 2e7d32:250 --colour c62828:1500 --colour ef6c00:1500 2>/dev/null; then
  fail "the screenshot of a report without charts passed png_check"
fi
python3 - "$tmp/blank.png" <<'PY'
import struct, sys, zlib
w, h = 200, 100
chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
raw = b"".join(b"\x00" + b"\xff" * (3 * w) for _ in range(h))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
if python3 "$here/png_check.py" "$tmp/blank.png" 2>/dev/null; then fail "a blank PNG passed png_check"; fi
echo "html_report_test: rejected as it should: the report with its charts cut out (browser and png checks), a blank PNG"
echo "html_report_test: 1 passed, 0 failed"
