#!/usr/bin/env bash
# The README's main job: set up a fresh Debian 12 machine, build the release preset, and run the default
# rehearsal (`pushsim run`: a 2,400-org hotfix push, staged, in a 6-hour maintenance window), writing its reports
# to out/. Extra arguments go to `pushsim run` (e.g. a scenario file, --seed N, --set /ptr=value).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release
cmake --build --preset release --target pushsim
mkdir -p out
./build/release/bin/pushsim run "$@" --json out/report.json --csv out/harmed_orgs.csv --junit out/junit.xml \
  --html out/report.html
echo "reports: out/report.json out/harmed_orgs.csv out/junit.xml out/report.html"
