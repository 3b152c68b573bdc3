#!/usr/bin/env bash
# changes_test.sh PUSHSIM SOURCE_DIR: end-to-end checks of `pushsim changes`: the example sources give the
# revenue-rollup 2.3.2 list; identical versions say "no changes" and exit 0; bad input (not DX source, malformed
# XML, a ref that does not exist, a bad flag) exits 2 naming the file (and line) and writes nothing; a patch that
# changes a field's type exits 1 naming the rule and writes nothing; --package-json rewrites only that version's
# changes; two git refs of a repository made here are compared without touching its work tree.
set -euo pipefail
pushsim=$1
src=$2
tmp=$(mktemp -d)
export TMPDIR=$tmp  # git refs are extracted under $TMPDIR: the test checks that nothing is left there
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex="$src/scenarios/packages/src"

run() {  # run EXPECTED_EXIT ARGS...: runs `pushsim changes ARGS`, stdout in $tmp/out, stderr in $tmp/err
  local want=$1; shift
  set +e
  "$pushsim" changes "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  set -e
  [ "$rc" -eq "$want" ] || fail "changes $*: exit $rc, expected $want (stderr: $(cat "$tmp/err"))"
}
expect_bad() {  # expect_bad DESCRIPTION EXPECTED_STDERR_TEXT ARGS...: exit 2, the text, nothing written
  local what=$1 text=$2; shift 2
  cp "$tmp/pkg.json" "$tmp/pkg.before"
  run 2 "$@" --json "$tmp/bad.json" --package-json "$tmp/pkg.json" --version 2.3.2
  grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(cat "$tmp/err")"
  [ ! -e "$tmp/bad.json" ] || fail "$what: --json was written despite bad input"
  cmp -s "$tmp/pkg.json" "$tmp/pkg.before" || fail "$what: the package JSON was changed despite bad input"
}
cp "$src/scenarios/packages/revenue_rollup_dashboard.json" "$tmp/pkg.json"

# The example: 2.3.1 -> 2.3.2 is a new trigger on Opportunity and a post-install script.
run 0 --from "$ex/2.3.1" --to "$ex/2.3.2" --json "$tmp/list.json"
grep -q "^  new_trigger object=Opportunity$" "$tmp/out" || fail "no new_trigger line: $(cat "$tmp/out")"
grep -q "post_install_script object=null cost_us_per_record=null (class RollupPostInstall" "$tmp/out" ||
  fail "no post_install_script line: $(cat "$tmp/out")"
grep -q "Apex class RollupService changed" "$tmp/out" || fail "the changed class is not listed as unclassified"
python3 - "$tmp/list.json" <<'PY' || fail "--json does not hold the list"
import json, sys
j = json.load(open(sys.argv[1]))
assert [c["kind"] for c in j["changes"]] == ["new_trigger", "post_install_script"], j["changes"]
assert j["changes"][0]["evidence"][0]["file"].endswith("triggers/OpportunityRollupTrigger.trigger")
assert j["version"] == "2.3.2" and j["patch_violations"] == []
PY

# Identical versions: an empty list, said so, exit 0.
run 0 --from "$ex/2.3.1" --to "$ex/2.3.1"
grep -q "no changes" "$tmp/out" || fail "identical versions: $(cat "$tmp/out")"

# --package-json: the existing estimate is kept, only 2.3.2's changes are rewritten (the same list here).
run 0 --from "$ex/2.3.1" --to "$ex/2.3.2" --package-json "$tmp/pkg.json" --version 2.3.2
grep -q "wrote 2 change(s) into" "$tmp/out" || fail "no write line: $(cat "$tmp/out")"
python3 - "$src/scenarios/packages/revenue_rollup_dashboard.json" "$tmp/pkg.json" <<'PY' || fail "package JSON differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a == b, "the rewritten package differs from the scenario's"
PY
run 0 --from "$ex/2.3.1" --to "$ex/2.3.2" --package-json "$tmp/pkg.json" --version 2.3.2 \
  --post-install-estimate rrd__Revenue_Schedule__c=31
python3 -c "
import json,sys
v=[v for v in json.load(open('$tmp/pkg.json'))['versions'] if v['number']=='2.3.2'][0]
assert [c.get('cost_us_per_record') for c in v['changes']] == [None, 31.0], v" || fail "--post-install-estimate not written"

# Bad input: exit 2, file (and line), nothing written.
mkdir -p "$tmp/notdx"
echo hello >"$tmp/notdx/readme.txt"
expect_bad "not DX source" "not DX source: expected a Salesforce DX project: sfdx-project.json" --from "$tmp/notdx" --to "$ex/2.3.2"
cp -r "$ex/2.3.2" "$tmp/broken"
f=force-app/main/default/objects/Forecast__c/fields/Quota__c.field-meta.xml
sed -i 's#<type>Currency</type>#<type>Currency</typ>#' "$tmp/broken/$f"
expect_bad "malformed XML" "$tmp/broken/$f:8: malformed XML" --from "$ex/2.3.1" --to "$tmp/broken"
expect_bad "missing ref" "\"no-such-ref\" is neither a folder nor a commit" --from no-such-ref --to "$ex/2.3.2" --repo "$src"
expect_bad "bad estimate" "--post-install-estimate: expected OBJECT=US_PER_RECORD" --from "$ex/2.3.1" --to "$ex/2.3.2" \
  --post-install-estimate 25
run 2 --from "$ex/2.3.1" --to "$ex/2.3.2" --version two --json "$tmp/bad.json"
grep -qF -- "--version: expected major.minor.patch" "$tmp/err" && [ ! -e "$tmp/bad.json" ] || fail "bad --version: $(cat "$tmp/err")"
run 2 --from "$ex/2.3.1"
run 2 --from "$ex/2.3.1" --to "$ex/2.3.2" --retired-api-version 0

# A patch carrying a field type change: exit 1 naming the rule, nothing written.
cp -r "$ex/2.3.2" "$tmp/typed"
sed -i 's#<type>Percent</type>#<type>Number</type>#' "$tmp/typed/force-app/main/default/objects/Forecast__c/fields/Attainment__c.field-meta.xml"
cp "$tmp/pkg.json" "$tmp/pkg.before"
run 1 --from "$ex/2.3.1" --to "$tmp/typed" --json "$tmp/patch.json" --package-json "$tmp/pkg.json"
grep -q "error: patch 2.3.2 breaks a rule: a patch cannot change a field's type: field_type_change rrd__Forecast__c.rrd__Attainment__c" "$tmp/out" ||
  fail "patch rule not named: $(cat "$tmp/out")"
[ ! -e "$tmp/patch.json" ] && cmp -s "$tmp/pkg.json" "$tmp/pkg.before" || fail "written despite a broken patch rule"
run 0 --from "$ex/2.3.1" --to "$tmp/typed" --version 2.4.0
grep -q "field_type_change field=rrd__Forecast__c.rrd__Attainment__c new_type=Number" "$tmp/out" || fail "2.4.0: $(cat "$tmp/out")"

# Git refs: two commits of a repository made here; its work tree (with an uncommitted edit) stays as it was.
repo="$tmp/repo"
mkdir -p "$repo"
git -C "$repo" init -q
cp -r "$ex/2.3.1/." "$repo/"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.com commit -qm 2.3.1
git -C "$repo" tag v2.3.1
rm -rf "${repo:?}/force-app" "$repo/sfdx-project.json"
cp -r "$ex/2.3.2/." "$repo/"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.com commit -qm 2.3.2
echo "uncommitted" >>"$repo/sfdx-project.json"
before=$(git -C "$repo" status --porcelain)
run 0 --repo "$repo" --from v2.3.1 --to HEAD --json "$tmp/git.json"
grep -q "^  new_trigger object=Opportunity$" "$tmp/out" || fail "git refs: $(cat "$tmp/out")"
grep -qF "HEAD:force-app/main/default/triggers/OpportunityRollupTrigger.trigger:1" "$tmp/out" || fail "git evidence: $(cat "$tmp/out")"
[ "$(git -C "$repo" status --porcelain)" = "$before" ] || fail "the work tree changed"
tail -1 "$repo/sfdx-project.json" | grep -q uncommitted || fail "the uncommitted edit is gone"
run 2 --repo "$repo" --from v9.9.9 --to HEAD
grep -qF "\"v9.9.9\" is neither a folder nor a commit of the git repository $repo" "$tmp/err" || fail "missing ref: $(cat "$tmp/err")"
run 0 --repo "$repo" --from HEAD --to HEAD
grep -q "no changes" "$tmp/out" || fail "same ref twice: $(cat "$tmp/out")"
! compgen -G "$tmp/pushsim-changes-*" >/dev/null || fail "a temporary extraction was left behind"

echo "changes_test: ok"
