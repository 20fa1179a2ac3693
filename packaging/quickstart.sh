#!/usr/bin/env bash
# The README's two commands:
#   bash packaging/quickstart.sh demo   install what is missing, build, open the workbench on the demo
#   bash packaging/quickstart.sh test   install what is missing, build, run every test through CTest
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
bash packaging/install-deps.sh
build="${GRAFT_BUILD_DIR:-build}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build"
case "$mode" in
  demo)
    exec "$build/app/graft/graft" --demo ;;
  test)
    ctest --test-dir "$build" --output-on-failure --timeout 900
    # Robustness (README "Robustness"): a short bounded run of every fuzz harness, then the
    # whole suite again built with ASan + UBSan in build-asan/ (about 45 min on 2 cores;
    # GRAFT_SANITIZE_SCOPE=parsers for the parser modules only, none to skip it locally).
    GRAFT_FUZZ_SECONDS="${GRAFT_FUZZ_SECONDS:-30}" bash packaging/ci/fuzz.sh
    if [[ "${GRAFT_SANITIZE_SCOPE:-all}" != none ]]; then
      GRAFT_SANITIZE_SCOPE="${GRAFT_SANITIZE_SCOPE:-all}" bash packaging/ci/sanitize.sh
    fi ;;
  *)
    echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
