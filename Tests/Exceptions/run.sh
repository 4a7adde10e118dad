#!/usr/bin/env bash
# The exception and tail-call runtime (runtime-c/include/wasmc_exceptions.h,
# wasmc_tail_calls.h) against hand-written C in the shape the emitter will
# generate (see docs/exceptions-and-tail-calls.md), built several ways:
#
#   test_exceptions: clang -O0 and -O2, clang -O2 with guard pages, gcc -O2,
#     clang -O1 with AddressSanitizer (leaks included) and UBSan, valgrind's
#     leak check on the clang -O2 build, aarch64 under qemu-user (clang -O0,
#     -O2 and gcc -O2).
#   test_tail_calls (10^8 tail calls per chain): clang -O0 and -O2, clang -O2
#     with guard pages, ASan/UBSan, aarch64 clang -O0 and -O2 under qemu;
#     and gcc 12, which has no musttail, must refuse it with wasmc's message.
#
# Every build adds its checks; a build that does not compile, a run that
# crashes or exits non-zero, or a sanitizer or valgrind report counts one
# failure. The last line is "N passed, M failed".
#
#   Tests/Exceptions/run.sh
#   EH_SKIP_AARCH64=1 Tests/Exceptions/run.sh   # without the qemu builds
#
# Needs clang and gcc; valgrind is used when installed; the aarch64 builds need
# gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user (installed when
# missing if run as root).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.build/exceptions-tests"
mkdir -p "$work"

passed=0
failed=0
fail() { # one failure, with why
    echo "FAIL $*"
    failed=$((failed + 1))
}

clang=${CLANG:-$(command -v clang)} || { echo "run.sh: clang not found"; echo "0 passed, 1 failed"; exit 1; }
gcc=${GCC:-$(command -v gcc)} || { echo "run.sh: gcc not found"; echo "0 passed, 1 failed"; exit 1; }

runtime=("$root/runtime-c/core/trap.c" "$root/runtime-c/core/memory.c"
    "$root/runtime-c/exceptions/exceptions.c" "$root/runtime-c/core/tail_calls.c")
include=(-I "$root/runtime-c/include")
sanitize=(-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

aarch64=1
if [[ ${EH_SKIP_AARCH64:-0} == 1 ]]; then
    aarch64=0
else
    # shellcheck source=../../scripts/lib/packages.sh
    source "$root/scripts/lib/packages.sh"
    if ! ensure_packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; then
        fail "$packages_error (or set EH_SKIP_AARCH64=1)"
        aarch64=0
    fi
fi
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
clang_a64=("$clang" --target=aarch64-linux-gnu -fuse-ld=lld)

# build NAME TEST [RUNNER...] -- COMPILER FLAGS...: compile TEST.c with the runtime, run it,
# add its "N passed, M failed".
build_and_run() {
    local name=$1 test=$2
    shift 2
    local runner=()
    while [[ $1 != -- ]]; do runner+=("$1"); shift; done
    shift
    local binary="$work/$test-$name"
    if ! "$@" "${include[@]}" "$here/$test.c" "${runtime[@]}" -o "$binary" -lpthread >"$binary.build.log" 2>&1; then
        fail "$test [$name]: does not compile (see $binary.build.log)"
        return
    fi
    "${runner[@]}" "$binary" >"$binary.log" 2>&1
    local status=$?
    local summary
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$binary.log" | tail -n 1)
    grep -E '^(FAIL|  )' "$binary.log" | sed "s/^/[$test $name] /"
    if [[ -z $summary ]]; then
        fail "$test [$name]: ended without a summary (exit $status; see $binary.log)"
        return
    fi
    local p f
    read -r p _ f _ <<<"$summary"
    passed=$((passed + p))
    failed=$((failed + f))
    if ((status != 0 && f == 0)); then
        fail "$test [$name]: exit status $status after its checks (a sanitizer report? see $binary.log)"
    fi
    echo "$test [$name]: $summary"
}

# --- exceptions ----------------------------------------------------------------
build_and_run clang-O0 test_exceptions -- "$clang" -O0 -g
build_and_run clang-O2 test_exceptions -- "$clang" -O2
build_and_run clang-O2-guard test_exceptions -- "$clang" -O2 -DWASMC_BOUNDS_GUARD
build_and_run gcc-O2 test_exceptions -- "$gcc" -O2
ASAN_OPTIONS=detect_leaks=1 build_and_run clang-asan-ubsan test_exceptions -- "$clang" "${sanitize[@]}"

if command -v valgrind >/dev/null; then
    # Reachable blocks are the runtime's signal stack; anything lost is a leak. Uninitialised
    # reads are not checked: the collector reads the whole stack on purpose (conservatively).
    if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --undef-value-errors=no --max-stackframe=16777216 --error-exitcode=99 \
        "$work/test_exceptions-clang-O2" >"$work/valgrind.log" 2>&1; then
        passed=$((passed + 1))
        echo "test_exceptions [valgrind]: no leaks, no invalid accesses"
    else
        fail "test_exceptions [valgrind]: see $work/valgrind.log"
    fi
else
    echo "valgrind not installed: its leak check is left out"
fi

# --- tail calls ----------------------------------------------------------------
# With the flag generated code is compiled with: musttail must hold even so.
nosib=-fno-optimize-sibling-calls
build_and_run clang-O0 test_tail_calls -- "$clang" -O0 -g $nosib
build_and_run clang-O2 test_tail_calls -- "$clang" -O2 $nosib
build_and_run clang-O2-guard test_tail_calls -- "$clang" -O2 -DWASMC_BOUNDS_GUARD $nosib
build_and_run clang-asan-ubsan test_tail_calls -- "$clang" "${sanitize[@]}" $nosib

# gcc before 15 has no musttail: a module with tail calls must not compile there.
if "$gcc" -O2 "${include[@]}" -c "$here/test_tail_calls.c" -o "$work/gcc-tail.o" >"$work/gcc-tail.log" 2>&1; then
    if echo '__has_attribute(musttail)' | "$gcc" -E -x c - | tail -n 1 | grep -q '^0$'; then
        fail "gcc without musttail compiled the tail-call test"
    else
        passed=$((passed + 1))
        echo "test_tail_calls [gcc]: this gcc has musttail and compiles it"
    fi
elif grep -q "need a C compiler with the musttail attribute" "$work/gcc-tail.log"; then
    passed=$((passed + 1))
    echo "test_tail_calls [gcc]: refused with wasmc's message, as it must be without musttail"
else
    fail "gcc failed on the tail-call test without wasmc's message (see $work/gcc-tail.log)"
fi

# --- aarch64 under qemu ----------------------------------------------------------
if ((aarch64)); then
    build_and_run aarch64-clang-O0 test_exceptions "${qemu[@]}" -- "${clang_a64[@]}" -O0
    build_and_run aarch64-clang-O2 test_exceptions "${qemu[@]}" -- "${clang_a64[@]}" -O2
    build_and_run aarch64-gcc-O2 test_exceptions "${qemu[@]}" -- aarch64-linux-gnu-gcc -O2
    build_and_run aarch64-clang-O0 test_tail_calls "${qemu[@]}" -- "${clang_a64[@]}" -O0 $nosib
    build_and_run aarch64-clang-O2 test_tail_calls "${qemu[@]}" -- "${clang_a64[@]}" -O2 $nosib
fi

echo "$passed passed, $failed failed"
((failed == 0))
