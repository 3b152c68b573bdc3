#!/usr/bin/env bash
# Bounded fuzzing (part of the test command): builds the libFuzzer targets with clang in build/fuzz and runs each
# for about a minute from its seed corpus (ctest label `fuzz`). New inputs go to build/fuzz, never the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPUSHSIM_FUZZ=ON \
  -DPUSHSIM_BUILD_BENCH=OFF > build-fuzz-configure.log 2>&1 || { cat build-fuzz-configure.log; exit 1; }
rm -f build-fuzz-configure.log
cmake --build build/fuzz --target soql_fuzz handler_fuzz scenario_fuzz plan_fuzz -j2
ctest --test-dir build/fuzz -L fuzz --output-on-failure
