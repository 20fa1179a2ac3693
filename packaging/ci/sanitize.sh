#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DGRAFT_SANITIZE=ON) in its own build folder, then run through CTest.
#   bash packaging/ci/sanitize.sh            configure, build, run
#   GRAFT_ASAN_BUILD_DIR=... GRAFT_ASAN_JOBS=1 bash packaging/ci/sanitize.sh
#   GRAFT_SANITIZE_SCOPE=core      (default; what CI runs through packaging/quickstart.sh test)
#                                  every module but the GUI, and every test but tests/ui:
#                                  the parsers, the engine, training, export and graft-cli
#                                  (the bad-input catalogue drives it), where the sanitizers
#                                  find things. The widgets only show what core computed.
#   GRAFT_SANITIZE_SCOPE=all       the GUI and its tests too.
#   GRAFT_SANITIZE_SCOPE=parsers   only the tests of the modules that read outside
#                                  data without libtorch (common io model formats
#                                  audio text dataset), for a quick local check.
# Not run here: the packaging test (label packaging: it checks the .deb's
# metadata, no Graft code of interest runs) and the fuzz label (the fuzz
# harnesses are their own clang build, packaging/ci/fuzz.sh). Benchmarks are
# plain executables, never CTest tests. Leaks and errors inside Debian's
# uninstrumented libraries (libtorch, Qt, HDF5) are silenced by the
# suppression files beside this script, never by skipping a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
here="packaging/ci"
build="${GRAFT_ASAN_BUILD_DIR:-build-asan}"
jobs="${GRAFT_ASAN_JOBS:-2}"

scope="${GRAFT_SANITIZE_SCOPE:-core}"
gui=ON
[[ "$scope" == all ]] || gui=OFF

# -O1 -g1: ASan's usual optimization, and line tables (all a report's stack needs) instead
# of full debug info, which costs much of a libtorch file's compile time. No benchmarks:
# sanitized timings mean nothing.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRAFT_SANITIZE=ON -DGRAFT_BUILD_BENCHMARKS=OFF -DGRAFT_BUILD_GUI="$gui" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
select=()
if [[ "$scope" == parsers ]]; then
  targets=()
  for module in common io model formats audio text dataset; do
    for source in tests/core/"$module"/tst_*.cpp; do
      [[ -e "$source" ]] || continue
      name="$(basename "$source" .cpp)"
      [[ "$name" == tst_cli_* ]] && continue # these build graft-cli, which links libtorch
      targets+=("$name")
    done
  done
  nice -n "${GRAFT_ASAN_NICE:-19}" cmake --build "$build" -j "$jobs" --target "${targets[@]}"
  regex="^($(IFS='|'; echo "${targets[*]}"))\$"
  select=(-R "$regex")
else
  nice -n "${GRAFT_ASAN_NICE:-19}" cmake --build "$build" -j "$jobs"
fi

# halt_on_error: the first report fails the test that caused it.
# detect_odr_violation=0: libtorch and its bundled protobuf/onnx define the same
# symbols in several shared objects; that is Debian's packaging, not Graft.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_odr_violation=0:detect_stack_use_after_return=0:suppressions=$PWD/$here/asan.supp"
export LSAN_OPTIONS="suppressions=$PWD/$here/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/$here/ubsan.supp"
# Sanitized tests run 2-5x slower; the default 600 s per test is kept for the
# slow ones by a larger multiplier rather than by dropping them.
ctest --test-dir "$build" --output-on-failure -LE '^(packaging|fuzz)$' --timeout 1800 "${select[@]}"
