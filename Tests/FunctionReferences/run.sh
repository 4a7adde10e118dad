#!/usr/bin/env bash
# Typed function references in a real program: dispatcher.wat (closures, higher-order
# functions and a bytecode interpreter dispatching through call_ref) compiled by wasmc in
# both sandbox modes and compared with wasmtime (the `wasmtime` pip package, whose default
# configuration enables function references; Tests/Support/run_wasmtime.py). Each case
# must give the same stdout and exit status on both; the case with an argument makes a
# null call_ref, which must trap on both ("null function reference" in wasmc, a null
# reference in wasmtime). Ends with "N passed, M failed".
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/build/function-references"
wasmc=${WASMC:-$root/.build/debug/wasmc}
mkdir -p "$work"
passed=0
failed=0

check() {  # LABEL CONDITION-STATUS: count one check
  if [[ $2 == 0 ]]; then
    passed=$((passed + 1))
    echo "ok    $1"
  else
    failed=$((failed + 1))
    echo "FAIL  $1"
  fi
}

wasm=$work/dispatcher.wasm
if ! wasm-tools parse "$here/dispatcher.wat" -o "$wasm"; then
  echo "0 passed, 1 failed"
  exit 1
fi
cases=("" "trap")
for index in "${!cases[@]}"; do
  args=(${cases[$index]})
  python3 "$root/Tests/Support/run_wasmtime.py" "$wasm" "${args[@]}" >"$work/wasmtime-$index.out" 2>"$work/wasmtime-$index.err"
  echo $? >"$work/wasmtime-$index.status"
done
for bounds in guard explicit; do
  program=$work/dispatcher-$bounds
  if ! "$wasmc" compile --bounds "$bounds" "$wasm" -o "$program" >"$work/compile-$bounds.log" 2>&1; then
    cat "$work/compile-$bounds.log"
    check "dispatcher ($bounds): compile" 1
    continue
  fi
  for index in "${!cases[@]}"; do
    args=(${cases[$index]})
    label="dispatcher${args:+ ${args[*]}} ($bounds)"
    "$program" "${args[@]}" >"$work/$bounds-$index.out" 2>"$work/$bounds-$index.err"
    status=$?
    expected=$(cat "$work/wasmtime-$index.status")
    if [[ $status != "$expected" ]]; then
      echo "      exit status $status, wasmtime $expected"; cat "$work/$bounds-$index.err" "$work/wasmtime-$index.err"
      check "$label: exit status" 1
      continue
    fi
    cmp -s "$work/$bounds-$index.out" "$work/wasmtime-$index.out"
    check "$label: stdout as wasmtime's" $?
    if [[ -n ${args[*]} ]]; then
      # The trap case: both report a null reference.
      grep -q "null function reference" "$work/$bounds-$index.err" && grep -qi "null" "$work/wasmtime-$index.err"
      check "$label: both trap on the null call_ref (exit $status)" $?
    fi
  done
done
echo "$passed passed, $failed failed"
((failed == 0))
