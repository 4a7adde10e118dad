#!/usr/bin/env bash
# Formats every C file of the repository with clang-format and the committed .clang-format files
# (Benchmarks and Tests/RealPrograms disable formatting), except the generated bindings of
# modules/bindings, which stay byte for byte what modules/bindgen.sh writes.
#   scripts/clang-format.sh           # rewrite the files in place
#   scripts/clang-format.sh --check   # list the files that are not formatted; exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."
format="${CLANG_FORMAT:-clang-format}"
command -v "$format" >/dev/null || { echo "clang-format not found (apt-get install clang-format, or set CLANG_FORMAT)" >&2; exit 2; }
mapfile -d '' files < <(git ls-files -z '*.c' '*.h' ':!:modules/bindings/*')
if [[ ${1:-} == --check ]]; then
  unformatted=0
  for file in "${files[@]}"; do
    if ! "$format" "$file" | cmp -s - "$file"; then
      echo "not formatted: $file"
      unformatted=1
    fi
  done
  exit $unformatted
fi
"$format" -i "${files[@]}"
