#!/usr/bin/env bash
# Correctness (not speed) of the SIMD benchmark programs on another architecture:
# compiles OUTDIR/wasm/simd_*.wasm with `wasmc compile --target TRIPLE` in both bounds
# modes, runs each under qemu-user with reduced arguments and compares its stdout and
# exit status with the native build's (OUTDIR/native, same arguments). The last line
# is "N passed, M failed".
#
# usage: Benchmarks/corpus/cross-check.sh OUTDIR [TRIPLE]   (default aarch64-linux-gnu)
#   OUTDIR as built by build.sh; WASMC the wasmc to use (default .build/debug/wasmc).
# Needs the target's cross toolchain and qemu-user (README, "Building for a device").
set -uo pipefail

die() {
    echo "cross-check.sh: error: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[[ $# -ge 1 ]] || die "usage: $0 OUTDIR [TRIPLE]"
OUTDIR=$(cd "$1" && pwd) || die "no directory $1"
TRIPLE=${2:-aarch64-linux-gnu}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WASMC=${WASMC:-$ROOT/.build/debug/wasmc}
[[ -x $WASMC ]] || die "wasmc not found at $WASMC (swift build, or set WASMC)"
QEMU=qemu-${TRIPLE%%-*}
command -v "$QEMU" >/dev/null || die "$QEMU not found (Debian qemu-user)"

# A tenth of each program's default work: enough to run every kernel and its check.
declare -A ARGUMENTS=([simd_chacha20]=90 [simd_hex]=100 [simd_image]=150 [simd_autovec]=16)
work=$OUTDIR/cross-$TRIPLE
mkdir -p "$work"
passed=0
failed=0
for name in simd_chacha20 simd_hex simd_image simd_autovec; do
    wasm=$OUTDIR/wasm/$name.wasm
    [[ -f $wasm && -x $OUTDIR/native/$name ]] || die "$name is not built in $OUTDIR (run build.sh first)"
    expected=$("$OUTDIR/native/$name" "${ARGUMENTS[$name]}")
    expected_status=$?
    for bounds in guard explicit; do
        program=$work/$name-$bounds
        if ! "$WASMC" compile "$wasm" --target "$TRIPLE" --bounds "$bounds" -o "$program" >/dev/null; then
            echo "FAIL  $name ($TRIPLE, $bounds): wasmc compile failed"
            failed=$((failed + 1))
            continue
        fi
        actual=$("$QEMU" "$program" -- "${ARGUMENTS[$name]}")
        status=$?
        if [[ $actual == "$expected" && $status == "$expected_status" ]]; then
            echo "ok    $name ($TRIPLE, $bounds): $(tail -1 <<<"$actual")"
            passed=$((passed + 1))
        else
            echo "FAIL  $name ($TRIPLE, $bounds): exit $status (native $expected_status), output differs"
            diff <(echo "$expected") <(echo "$actual") | head -5
            failed=$((failed + 1))
        fi
    done
done
echo "$passed passed, $failed failed"
((failed == 0))
