# Building wasm32-wasi programs with Debian's packages and the Swift toolchain's
# clang: the one lookup of that toolchain. Sourced (not run) by modules/build.sh,
# Tests/WASIGuests/run.sh, Tests/RealPrograms/run.sh, Tests/BindgenTests/run.sh
# and Benchmarks/corpus/build.sh:
#
#   source scripts/wasm32-toolchain.sh
#   wasm32_require c c++ rust || die "$wasm32_error"   # install or report packages
#   wasm32_sysroot DIR                                 # sets WASM32_SYSROOT
#   "$CLANG" "${WASM32_CFLAGS[@]}" x.c -o x.wasm "${WASM32_LINK[@]}"
#
# Environment:
#   CLANG      clang with the WebAssembly target (default /opt/swift/usr/bin/clang;
#              wasm-ld must be beside it or on PATH)
#   BUILTINS   compiler-rt builtins archive for wasm32 (default: the
#              libclang-rt-dev-wasm32 copy under /usr/lib/llvm-*)
#   RUSTC      rustc with the wasm32-wasi standard library (default /usr/bin/rustc:
#              Debian's, with libstd-rust-dev-wasm32; a rustup toolchain on PATH
#              usually has no wasm32 target)

# shellcheck source=lib/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/packages.sh"

CLANG=${CLANG:-/opt/swift/usr/bin/clang}
RUSTC=${RUSTC:-/usr/bin/rustc}
# wasi-libc as Debian packages it: headers in /usr/include/wasm32-wasi, libraries
# in /usr/lib/wasm32-wasi; libc++-dev-wasm32 adds c++/v1 and libc++.a there.
WASI_INCLUDE=/usr/include/wasm32-wasi
WASI_LIB=/usr/lib/wasm32-wasi
WASM32_CXX_INCLUDE=$WASI_INCLUDE/c++/v1
wasm32_error=

wasm32_find_builtins() {
    if [[ -n ${BUILTINS:-} ]]; then
        echo "$BUILTINS"
        return
    fi
    compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' | sort -V | tail -n 1 || true
}

# The Debian packages missing for the given languages (c, c++, rust), one per line.
wasm32_missing_packages() {
    local language
    [[ -f $WASI_LIB/libc.a && -f $WASI_INCLUDE/stdio.h ]] || echo wasi-libc
    [[ -n $(wasm32_find_builtins) ]] || echo libclang-rt-dev-wasm32
    for language in "$@"; do
        case $language in
        c) ;;
        c++) [[ -f $WASI_LIB/libc++.a && -f $WASI_LIB/libc++abi.a && -f $WASM32_CXX_INCLUDE/vector ]] ||
            echo libc++-dev-wasm32 ;;
        rust)
            [[ -x $RUSTC ]] || echo rustc
            compgen -G '/usr/lib/rustlib/wasm32-wasi/lib/libstd-*.rlib' >/dev/null || echo libstd-rust-dev-wasm32
            ;;
        esac
    done
}

# Makes sure the toolchain for the given languages is there, installing missing
# Debian packages when run as root. Returns 1 with $wasm32_error set otherwise.
wasm32_require() {
    local missing
    mapfile -t missing < <(wasm32_missing_packages "$@")
    if ((${#missing[@]})) && ! ensure_packages "${missing[@]}"; then
        wasm32_error=$packages_error
        return 1
    fi
    if [[ ! -x $CLANG ]] || [[ $("$CLANG" -print-targets 2>/dev/null) != *wasm32* ]]; then
        wasm32_error="clang with the wasm32 target not found at $CLANG (set CLANG=)"
        return 1
    fi
    if [[ ! -x $(dirname "$CLANG")/wasm-ld ]] && ! command -v wasm-ld >/dev/null; then
        wasm32_error="wasm-ld not found next to $CLANG or on PATH"
        return 1
    fi
    WASM32_BUILTINS=$(wasm32_find_builtins)
    if [[ ! -f $WASM32_BUILTINS ]]; then
        wasm32_error="wasm32 compiler-rt builtins not found (libclang-rt-dev-wasm32, or set BUILTINS=)"
        return 1
    fi
    # 1 MiB shadow stack: wasm-ld's default (64 KiB) overflows silently into data.
    # --strip-debug drops the DWARF that Debian's libc.a carries; the name section
    # stays, so function names survive for readable generated C.
    WASM32_LINK=(-Wl,-z,stack-size=1048576 -Wl,--strip-debug -nodefaultlibs -lc "$WASM32_BUILTINS")
    # libc++ without exceptions (Debian builds it so), its headers given explicitly.
    WASM32_CXXFLAGS=(-fno-exceptions -nostdinc++ -isystem "$WASM32_CXX_INCLUDE")
    WASM32_CXX_LINK=(-Wl,-z,stack-size=1048576 -Wl,--strip-debug -nodefaultlibs -lc++ -lc++abi -lc "$WASM32_BUILTINS")
}

# clang's WebAssembly driver wants <sysroot>/include and <sysroot>/lib/wasm32-wasi;
# a symlink farm in DIR maps Debian's layout onto that without exposing the
# host's /usr/include. Sets WASM32_SYSROOT, WASM32_TARGET (target and sysroot, for
# separate compile steps) and WASM32_CFLAGS (those and --no-wasm-opt, for commands
# that link, so the output does not depend on whether binaryen is installed).
wasm32_sysroot() {
    WASM32_SYSROOT=$1
    mkdir -p "$WASM32_SYSROOT/lib"
    ln -sfn "$WASI_INCLUDE" "$WASM32_SYSROOT/include"
    ln -sfn "$WASI_LIB" "$WASM32_SYSROOT/lib/wasm32-wasi"
    WASM32_TARGET=(--target=wasm32-wasi "--sysroot=$WASM32_SYSROOT")
    WASM32_CFLAGS=("${WASM32_TARGET[@]}" --no-wasm-opt)
}
