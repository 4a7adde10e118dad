#!/usr/bin/env bash
# Build every benchmark program two ways from the same source:
#   OUTDIR/wasm/<name>.wasm   wasm32-wasi, clang -O2, wasi-libc
#   OUTDIR/native/<name>      host, clang -O2
# The simd_* programs use 128-bit SIMD both ways: -msimd128 (wasm_simd128.h) for
# wasm32, and natively the same intrinsics through SIMDe's simde/wasm/simd128.h
# (Debian libsimde-dev) at SSE4.2 with AVX off on x86-64, so both builds use
# 128-bit vectors. simd_autovec is built at -O3 both ways (clang's vectoriser).
#
# usage: Benchmarks/corpus/build.sh OUTDIR [NAME...]
#
# Environment:
#   CLANG, BUILTINS  the wasm32 toolchain (see scripts/wasm32-toolchain.sh)
#   WASM_OPT=1 let clang run binaryen's wasm-opt after linking (off by default,
#              so the wasm does not depend on whether binaryen is installed)
#
# Outputs that are newer than their source (and this script) are kept.
# large.c is generated next to gen_large.py when missing or stale.
set -euo pipefail

die() {
    echo "build.sh: error: $*" >&2
    exit 1
}

[[ $# -ge 1 ]] || die "usage: $0 OUTDIR [NAME...]"
OUTDIR=$1
shift
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROGRAMS=(sha256 blake2b json deflate sort matmul nbody interp regex fib memcpy hashtable large
    simd_chacha20 simd_hex simd_image simd_autovec)
if [[ $# -gt 0 ]]; then PROGRAMS=("$@"); fi

command -v python3 >/dev/null || die "python3 not found (needed to generate large.c)"
# shellcheck source=../../scripts/wasm32-toolchain.sh
source "$HERE/../../scripts/wasm32-toolchain.sh"
wasm32_require c || die "$wasm32_error"

mkdir -p "$OUTDIR/wasm" "$OUTDIR/native"
OUTDIR=$(cd "$OUTDIR" && pwd)

wasm32_sysroot "$OUTDIR/.wasi-sysroot"
CFLAGS=(-O2 -Wall -Wextra)
WASM_FLAGS=(--target=wasm32-wasi "--sysroot=$WASM32_SYSROOT")
[[ ${WASM_OPT:-0} == 1 ]] || WASM_FLAGS+=(--no-wasm-opt)
WASM_LINK=("${WASM32_LINK[@]}")

# wasm_simd128.h for native builds: SIMDe's implementation under the same names.
NATIVE_SIMD_INCLUDE=$OUTDIR/.simde
if [[ ! -f /usr/include/simde/wasm/simd128.h && $(id -u) -eq 0 ]]; then
    echo "  APT     libsimde-dev"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsimde-dev; } >/dev/null ||
        die "apt-get install libsimde-dev failed"
fi
mkdir -p "$NATIVE_SIMD_INCLUDE"
printf '#define SIMDE_ENABLE_NATIVE_ALIASES\n#include <simde/wasm/simd128.h>\n' >"$NATIVE_SIMD_INCLUDE/wasm_simd128.h.tmp"
cmp -s "$NATIVE_SIMD_INCLUDE/wasm_simd128.h.tmp" "$NATIVE_SIMD_INCLUDE/wasm_simd128.h" 2>/dev/null &&
    rm "$NATIVE_SIMD_INCLUDE/wasm_simd128.h.tmp" ||
    mv "$NATIVE_SIMD_INCLUDE/wasm_simd128.h.tmp" "$NATIVE_SIMD_INCLUDE/wasm_simd128.h"

# Sets WASM_EXTRA and NATIVE_EXTRA, the flags program $1 adds to the common ones.
program_flags() {
    WASM_EXTRA=()
    NATIVE_EXTRA=()
    [[ $1 == simd_* ]] || return 0
    [[ -f /usr/include/simde/wasm/simd128.h ]] ||
        die "$1 needs Debian's libsimde-dev for its native build (install it, or run as root)"
    WASM_EXTRA=(-msimd128)
    NATIVE_EXTRA=(-isystem "$NATIVE_SIMD_INCLUDE")
    [[ $(uname -m) == x86_64 ]] && NATIVE_EXTRA+=(-msse4.2 -mno-avx)
    if [[ $1 == simd_autovec ]]; then
        WASM_EXTRA+=(-O3)
        NATIVE_EXTRA+=(-O3)
    fi
    return 0
}

# True when $1 is missing or older than any of the remaining files.
stale() {
    local out=$1
    shift
    [[ -e $out ]] || return 0
    local dep
    for dep in "$@"; do [[ $dep -nt $out ]] && return 0; done
    return 1
}

for name in "${PROGRAMS[@]}"; do
    src=$HERE/$name.c
    deps=("$src" "${BASH_SOURCE[0]}")
    if [[ $name == large ]]; then
        if stale "$src" "$HERE/gen_large.py"; then
            echo "  GEN     large.c"
            python3 "$HERE/gen_large.py" "$src.tmp" && mv "$src.tmp" "$src"
        fi
        deps+=("$HERE/gen_large.py")
    fi
    [[ -f $src ]] || die "no source for '$name' ($src)"
    program_flags "$name"

    wasm=$OUTDIR/wasm/$name.wasm
    if stale "$wasm" "${deps[@]}"; then
        echo "  WASM    $name.wasm"
        # Link under the final file name (it becomes the name section's module
        # name), in a scratch directory so a failed build leaves no output.
        mkdir -p "$OUTDIR/wasm/.tmp"
        "$CLANG" "${WASM_FLAGS[@]}" "${CFLAGS[@]}" "${WASM_EXTRA[@]}" "$src" -o "$OUTDIR/wasm/.tmp/$name.wasm" "${WASM_LINK[@]}" ||
            die "wasm build of $name failed"
        mv "$OUTDIR/wasm/.tmp/$name.wasm" "$wasm"
    fi
    native=$OUTDIR/native/$name
    if stale "$native" "${deps[@]}"; then
        echo "  NATIVE  $name"
        mkdir -p "$OUTDIR/native/.tmp"
        "$CLANG" "${CFLAGS[@]}" "${NATIVE_EXTRA[@]}" "$src" -o "$OUTDIR/native/.tmp/$name" -lm || die "native build of $name failed"
        mv "$OUTDIR/native/.tmp/$name" "$native"
    fi
done
rmdir "$OUTDIR/wasm/.tmp" "$OUTDIR/native/.tmp" 2>/dev/null || true
echo "built ${#PROGRAMS[@]} programs in $OUTDIR/{wasm,native}"
