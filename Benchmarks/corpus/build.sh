#!/usr/bin/env bash
# Build every benchmark program two ways from the same source:
#   OUTDIR/wasm/<name>.wasm   wasm32-wasi, clang -O2, wasi-libc
#   OUTDIR/native/<name>      host, clang -O2
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
PROGRAMS=(sha256 blake2b json deflate sort matmul nbody interp regex fib memcpy hashtable large)
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

    wasm=$OUTDIR/wasm/$name.wasm
    if stale "$wasm" "${deps[@]}"; then
        echo "  WASM    $name.wasm"
        # Link under the final file name (it becomes the name section's module
        # name), in a scratch directory so a failed build leaves no output.
        mkdir -p "$OUTDIR/wasm/.tmp"
        "$CLANG" "${WASM_FLAGS[@]}" "${CFLAGS[@]}" "$src" -o "$OUTDIR/wasm/.tmp/$name.wasm" "${WASM_LINK[@]}" ||
            die "wasm build of $name failed"
        mv "$OUTDIR/wasm/.tmp/$name.wasm" "$wasm"
    fi
    native=$OUTDIR/native/$name
    if stale "$native" "${deps[@]}"; then
        echo "  NATIVE  $name"
        mkdir -p "$OUTDIR/native/.tmp"
        "$CLANG" "${CFLAGS[@]}" "$src" -o "$OUTDIR/native/.tmp/$name" -lm || die "native build of $name failed"
        mv "$OUTDIR/native/.tmp/$name" "$native"
    fi
done
rmdir "$OUTDIR/wasm/.tmp" "$OUTDIR/native/.tmp" 2>/dev/null || true
echo "built ${#PROGRAMS[@]} programs in $OUTDIR/{wasm,native}"
