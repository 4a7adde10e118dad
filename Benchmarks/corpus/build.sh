#!/usr/bin/env bash
# Build every benchmark program two ways from the same source:
#   OUTDIR/wasm/<name>.wasm   wasm32-wasi, clang -O2, wasi-libc
#   OUTDIR/native/<name>      host, clang -O2
#
# usage: Benchmarks/corpus/build.sh OUTDIR [NAME...]
#
# Environment:
#   CLANG      clang with the WebAssembly target (default /opt/swift/usr/bin/clang)
#   BUILTINS   compiler-rt builtins archive for wasm32
#              (default: the libclang-rt-dev-wasm32 copy under /usr/lib/llvm-*)
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

CLANG=${CLANG:-/opt/swift/usr/bin/clang}
[[ -x $CLANG ]] || die "clang not found at $CLANG (set CLANG=/path/to/clang; it needs the wasm32 target)"
targets=$("$CLANG" -print-targets 2>/dev/null || true)
[[ $targets == *wasm32* ]] || die "$CLANG has no wasm32 target"
WASM_LD=$(dirname "$CLANG")/wasm-ld
[[ -x $WASM_LD ]] || command -v wasm-ld >/dev/null || die "wasm-ld not found next to $CLANG or on PATH"
command -v python3 >/dev/null || die "python3 not found (needed to generate large.c)"

# wasi-libc as Debian packages it: headers in /usr/include/wasm32-wasi,
# libraries in /usr/lib/wasm32-wasi.
WASI_INCLUDE=/usr/include/wasm32-wasi
WASI_LIB=/usr/lib/wasm32-wasi
find_builtins() {
    if [[ -n ${BUILTINS:-} ]]; then
        echo "$BUILTINS"
        return
    fi
    compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' | sort -V | tail -n 1 || true
}
BUILTINS_A=$(find_builtins)
if [[ ! -f $WASI_LIB/libc.a || ! -f $WASI_INCLUDE/stdio.h || -z $BUILTINS_A ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "build.sh: installing wasi-libc and libclang-rt-dev-wasm32" >&2
        apt-get install -y wasi-libc libclang-rt-dev-wasm32 >&2 ||
            die "apt-get install wasi-libc libclang-rt-dev-wasm32 failed"
        BUILTINS_A=$(find_builtins)
    fi
fi
[[ -f $WASI_LIB/libc.a && -f $WASI_INCLUDE/stdio.h ]] ||
    die "wasi-libc not found in $WASI_INCLUDE and $WASI_LIB (apt-get install wasi-libc)"
[[ -n $BUILTINS_A && -f $BUILTINS_A ]] ||
    die "wasm32 compiler-rt builtins not found (apt-get install libclang-rt-dev-wasm32, or set BUILTINS=)"

mkdir -p "$OUTDIR/wasm" "$OUTDIR/native"
OUTDIR=$(cd "$OUTDIR" && pwd)

# clang's WebAssembly driver expects <sysroot>/include and
# <sysroot>/lib/wasm32-wasi; a symlink farm maps Debian's layout onto that
# without exposing the host's /usr/include.
SYSROOT=$OUTDIR/.wasi-sysroot
mkdir -p "$SYSROOT/lib"
ln -sfn "$WASI_INCLUDE" "$SYSROOT/include"
ln -sfn "$WASI_LIB" "$SYSROOT/lib/wasm32-wasi"

CFLAGS=(-O2 -Wall -Wextra)
WASM_FLAGS=(--target=wasm32-wasi "--sysroot=$SYSROOT")
[[ ${WASM_OPT:-0} == 1 ]] || WASM_FLAGS+=(--no-wasm-opt)
# 1 MiB shadow stack: wasm-ld's default (64 KiB) overflows silently into data.
# --strip-debug drops the DWARF that Debian's libc.a carries; the name
# section stays, so function names survive for readable generated C.
WASM_LINK=(-Wl,-z,stack-size=1048576 -Wl,--strip-debug -nodefaultlibs -lc "$BUILTINS_A")

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
