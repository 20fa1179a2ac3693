#!/usr/bin/env bash
# The README's two commands:
#   bash packaging/quickstart.sh demo   install what is missing, build, open the workbench on the demo
#   bash packaging/quickstart.sh test   install what is missing, build, run every test through CTest
# Each phase prints the minutes it took, and the test command ends with all of them, so a change
# that slows CI shows at once.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
case "$mode" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

phase_names=()
phase_seconds=()
report_phases() {
  (( ${#phase_names[@]} )) || return 0
  echo "== phase times"
  local i
  for i in "${!phase_names[@]}"; do
    printf '   %-28s %3d min %02d s\n' "${phase_names[$i]}" $((phase_seconds[$i] / 60)) $((phase_seconds[$i] % 60))
  done
}
# phase NAME COMMAND...: runs COMMAND, records how long it took, and keeps its exit status.
phase() {
  local name="$1" start=$SECONDS status=0
  shift
  echo "== $name"
  "$@" || status=$?
  phase_names+=("$name")
  phase_seconds+=($((SECONDS - start)))
  printf '== %s: %d min %02d s%s\n' "$name" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) \
    "$( ((status == 0)) || echo " (failed, status $status)")"
  return $status
}
trap report_phases EXIT

phase "install dependencies" bash packaging/install-deps.sh

build="${GRAFT_BUILD_DIR:-build}"
# ccache (a listed dependency) makes rebuilds after small changes, and the second build of a
# clean CI run's unchanged files, cheap.
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
phase "configure" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
phase "build" cmake --build "$build"

if [[ "$mode" == demo ]]; then
  trap - EXIT
  exec "$build/app/graft/graft" --demo
fi

# The format is checked before anything slow runs: .clang-format is the code's style.
phase "format check" bash packaging/ci/check-format.sh
phase "test suite" ctest --test-dir "$build" --output-on-failure --timeout 900
# Robustness (README "Robustness"): a short bounded run of every fuzz harness, then the test
# suite of the modules that read outside data, the engine and training again, built with
# ASan + UBSan in build-asan/ (GRAFT_SANITIZE_SCOPE=parsers for the parser modules only,
# all for everything including the GUI, none to skip it locally).
phase "fuzz build and runs" env GRAFT_FUZZ_SECONDS="${GRAFT_FUZZ_SECONDS:-30}" bash packaging/ci/fuzz.sh
if [[ "${GRAFT_SANITIZE_SCOPE:-core}" != none ]]; then
  phase "sanitizer build and suite" env GRAFT_SANITIZE_SCOPE="${GRAFT_SANITIZE_SCOPE:-core}" bash packaging/ci/sanitize.sh
fi
