#!/usr/bin/env bash
# The libFuzzer harnesses (tests/fuzz): a clang build of the parser modules with
# ASan+UBSan in its own folder, then a bounded run of each harness (ctest label fuzz).
#   bash packaging/ci/fuzz.sh                     every harness, GRAFT_FUZZ_SECONDS each (default 60)
#   bash packaging/ci/fuzz.sh --long fuzz_npy     one harness until stopped (Ctrl-C), 2 workers,
#                                                 corpus kept in build-fuzz/corpus/fuzz_npy
# A crash leaves build-fuzz/corpus/artifacts/crash-*: replay it with
#   build-fuzz/fuzz_npy build-fuzz/corpus/artifacts/crash-...
# then fix the parser and copy the input into tests/fuzz/regressions/<harness>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${GRAFT_FUZZ_BUILD_DIR:-build-fuzz}"
seconds="${GRAFT_FUZZ_SECONDS:-60}"
CC=clang CXX=clang++ cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGRAFT_FUZZ_SECONDS="$seconds"
nice -n "${GRAFT_FUZZ_NICE:-10}" cmake --build "$build" -j "${GRAFT_FUZZ_JOBS:-2}"
if [[ "${1:-}" == --long ]]; then
  harness="${2:?usage: fuzz.sh --long HARNESS (e.g. fuzz_keras_h5)}"
  bash tests/fuzz/make-seeds.sh tests/data "$build/seeds" > /dev/null
  mkdir -p "$build/corpus/$harness" "$build/corpus/artifacts"
  export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"
  exec "$build/$harness" -fork="${GRAFT_FUZZ_WORKERS:-2}" -ignore_timeouts=1 -timeout=20 -rss_limit_mb=3072 \
       -max_len=65536 -artifact_prefix="$build/corpus/artifacts/$harness-" "$build/corpus/$harness" "$build/seeds/$harness"
fi
ctest --test-dir "$build" -L fuzz --output-on-failure -j "${GRAFT_FUZZ_JOBS:-2}"
