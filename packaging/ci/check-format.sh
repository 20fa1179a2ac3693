#!/usr/bin/env bash
# Fails when a C++ file of the project differs from what clang-format makes of it (.clang-format
# at the root). Fix with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "$0")/../.."
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else
  mapfile -t files < <(find app core ui tests -name '*.cpp' -o -name '*.h' | grep -v '^tests/data/')
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "Unformatted C++ files (above). Run: clang-format -i <file>..." >&2
  exit 1
fi
echo "clang-format: ${#files[@]} files formatted as .clang-format says"
