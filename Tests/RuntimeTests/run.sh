#!/usr/bin/env bash
# The C runtime's visibility: a program exports nothing of the runtime but its embedding API.
#
# Builds a small WASI program with `wasmc compile` (so the runtime objects are the ones every
# program links, with the flags wasmc gives them), then links those objects again as an
# executable that exports every symbol it can (-rdynamic, as a program loading plugins would)
# and compares its dynamic symbol table with the functions declared WASMC_API in
# runtime-c/include/wasmc_rt.h, wasmc_wasi.h and wasmc_exceptions.h (its host-boundary part):
# each API function must be exported, and nothing else. Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
wasmc="$root/.build/debug/wasmc"
CC="${CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
work="$(mktemp -d /tmp/wasmc-runtime-tests.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=../Support/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../Support/checks.sh"

# The program: writes "hi" through WASI, so it links core, WASI and the program main.
wat2wasm "$here/hello.wat" -o "$work/hello.wasm"
# A fresh working directory and cache home: the runtime is compiled for this run alone.
(cd "$work" && HOME="$work" XDG_CACHE_HOME="$work/cache" "$wasmc" compile hello.wasm -o program) \
  >"$work/compile.log" 2>&1
check "wasmc compile builds the program" $?
[[ -x $work/program ]] || { sed 's/^/    /' "$work/compile.log"; finish; }
[[ $("$work/program") == hi ]]
check "the program runs" $?

# A program linked as usual exports no runtime symbol at all.
exported=$(nm -D --defined-only "$work/program" | awk '{print $3}' | grep -E '^(wasmc|wasi)' || true)
[[ -z $exported ]]
check "the program exports no runtime symbol" $?
[[ -n $exported ]] && sed 's/^/    /' <<<"$exported"

# The runtime objects that program linked.
mapfile -t objects < <(find "$work" -name '*.o' \( -name 'core-*' -o -name 'wasi-*' -o -name 'host-*' \) | sort)
((${#objects[@]} > 0))
check "the runtime objects are found (${#objects[@]})" $?
((${#objects[@]} > 0)) || finish

# The API: every function declared WASMC_API (the name before the first parenthesis).
api() {
  cat "$root/runtime-c/include/wasmc_rt.h" "$root/runtime-c/include/wasmc_wasi.h" \
    "$root/runtime-c/include/wasmc_exceptions.h" |
    grep -v '^#define WASMC_API' | tr '\n' ' ' |
    grep -oE 'WASMC_API [^(;]*\(' | grep -oE '[A-Za-z_0-9]+\($' | tr -d '(' | sort -u
}
api >"$work/api.txt"
(($(wc -l <"$work/api.txt") > 20))
check "the headers declare the API ($(wc -l <"$work/api.txt") functions)" $?

# Everything the runtime would export: link it with every symbol exported. The generated program
# table (wasmc_program_modules, part of the API) comes from a stand-in.
printf '%s\n' '#include "wasmc_rt.h"' \
  'const wasmc_program_module *wasmc_program_modules(int *count) { *count = 0; return 0; }' \
  >"$work/program_table.c"
"$CC" -rdynamic -I"$root/runtime-c/include" "$work/program_table.c" "${objects[@]}" -o "$work/exporting" \
  -luv -lm -lpthread >"$work/link.log" 2>&1
check "the runtime links with every symbol exported" $?
[[ -x $work/exporting ]] || { sed 's/^/    /' "$work/link.log"; finish; }
# What the C library's start files define is not the runtime's.
nm -D --defined-only "$work/exporting" | awk '{print $3}' |
  grep -vxE '_IO_stdin_used|__bss_start|__data_start|data_start|_edata|_end|_start|_init|_fini' |
  sort -u >"$work/exported.txt"
extra=$(comm -23 "$work/exported.txt" "$work/api.txt")
missing=$(comm -13 "$work/exported.txt" "$work/api.txt")
[[ -z $extra ]]
check "the runtime exports nothing but the API" $?
[[ -n $extra ]] && sed 's/^/    not API: /' <<<"$extra"
[[ -z $missing ]]
check "the runtime exports every API function" $?
[[ -n $missing ]] && sed 's/^/    not exported: /' <<<"$missing"
finish
