#!/usr/bin/env bash
# Exception handling in whole programs: .wat programs compiled by wasmc in both sandbox modes
# and run, their stdout and exit status compared with wasmtime (run_reference.py, exceptions
# enabled):
#   exceptions.wat        throws and catches across functions, payloads of every type, the
#                         four catch clauses, throw_ref, exnref in payloads, globals and locals,
#                         call_indirect, 100,000 caught exceptions
#   eh_lib + eh_main      two modules linked by `wasmc compile eh_lib.wasm eh_main.wasm`: tags
#                         exported and imported, caught by identity across the modules
#   uncaught.wat          an uncaught exception: exit 134, wasmc's report names the tag
#   trap_in_try.wat       a trap inside a try_table is not caught: exit 134
#   callback.wat          through a host import that calls back (callback_host.c, --host-c);
#                         compared with callback.expected, since wasmtime's Python API cannot
#                         pass an exception back through a host function
# and, under valgrind when it is installed (explicit checks), that no exception object is
# left allocated at exit. Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
wasmc="${WASMC:-$root/.build/debug/wasmc}"
work="$root/build/exception-programs"
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=../Support/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../Support/checks.sh"
[[ -x $wasmc ]] || { echo "FAIL no wasmc at $wasmc (swift build --product wasmc)"; failed=1; finish; }
wasm_tools=${WASM_TOOLS:-$(command -v wasm-tools)} || { echo "FAIL wasm-tools not found"; failed=1; finish; }

for wat in "$here"/*.wat; do
  name=$(basename "$wat" .wat)
  "$wasm_tools" parse "$wat" -o "$work/$name.wasm"
  check "$name.wat assembles" $?
done

# program CASE EXPECTED_EXIT MODULES... [-- WASMC_FLAGS...]: compile in both modes, run, compare.
program() {
  local case=$1 want_exit=$2
  shift 2
  local modules=() flags=()
  while (($# > 0)) && [[ $1 != -- ]]; do modules+=("$work/$1.wasm"); shift; done
  (($# > 0)) && shift && flags=("$@")
  local expected="$work/$case.expected" status
  if [[ -f $here/$case.expected ]]; then
    cp "$here/$case.expected" "$expected"
    status=$want_exit
  else
    python3 "$here/run_reference.py" "${modules[@]}" >"$expected" 2>"$work/$case.reference.err"
    status=$?
  fi
  [[ $status == "$want_exit" && -s $expected ]]
  check "$case: the reference exits $want_exit with output" $?
  for bounds in guard explicit; do
    local binary="$work/$case-$bounds"
    "$wasmc" compile --bounds "$bounds" "${modules[@]}" "${flags[@]}" -o "$binary" >"$binary.compile.log" 2>&1
    check "$case ($bounds): compiles" $?
    [[ -x $binary ]] || continue
    "$binary" >"$binary.out" 2>"$binary.err"
    status=$?
    [[ $status == "$want_exit" ]] && cmp -s "$binary.out" "$expected"
    check "$case ($bounds): exit $status and the same output" $?
    [[ $status == "$want_exit" ]] || sed 's/^/    /' "$binary.err"
  done
}

program exceptions 0 exceptions
program two-modules 0 eh_lib eh_main
program uncaught 134 uncaught
program trap_in_try 134 trap_in_try
program callback 0 callback -- --host-c "$here/callback_host.c"

for bounds in guard explicit; do
  grep -q '^wasmc: trap in module uncaught: uncaught exception: tag "uncaught" "fatal"$' "$work/uncaught-$bounds.err"
  check "uncaught ($bounds): the report names the tag" $?
  grep -q '^wasmc: trap in module trap_in_try: integer divide by zero' "$work/trap_in_try-$bounds.err"
  check "trap_in_try ($bounds): reported as the trap" $?
done

# Every exception object is freed: no block allocated by wasmc_exception_new is left at exit
# (the collector's conservative stack scan reads uninitialised words: no undef-value errors).
if command -v valgrind >/dev/null; then
  for case in exceptions callback; do
    log="$work/$case-explicit.valgrind"
    valgrind --leak-check=full --show-leak-kinds=all --undef-value-errors=no --num-callers=30 \
      "$work/$case-explicit" >/dev/null 2>"$log"
    grep -q "ERROR SUMMARY" "$log" && ! grep -q "wasmc_exception_new" "$log"
    check "$case (explicit, valgrind): no exception object left allocated" $?
  done
else
  echo "valgrind not installed: the leak check is skipped"
fi
finish
