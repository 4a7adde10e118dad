#!/usr/bin/env bash
# Build the real-program corpus (c/*.c with wasi-libc, cpp/*.cpp with libc++,
# rust/*.rs with Debian's rustc) for wasm32-wasi, then compile each with wasmc
# and compare its runs with wasmtime's (run.py). The last line is
# "N passed, M failed"; the exit status is non-zero on any failure.
#
#   Tests/RealPrograms/run.sh                # everything
#   Tests/RealPrograms/run.sh json panic     # programs whose name contains a word
#
# Environment:
#   WASMC                   the wasmc to test (default .build/debug/wasmc, as built
#                           by Tests/run-all.sh; a missing default one is built here)
#   CLANG, BUILTINS, RUSTC  the wasm32 toolchain (scripts/wasm32-toolchain.sh)
#   JOBS                    programs compiled and run at once (default 2)
# As root, missing packages are installed (wasi-libc, libclang-rt-dev-wasm32,
# libc++-dev-wasm32, rustc, libstd-rust-dev-wasm32, libuv1-dev, and the wasmtime
# pip package); otherwise their absence is an error.
#
# The wasm builds are cached under .build/real-programs/wasm by a hash of the
# source, the flags and the compilers, so a rerun only compiles with wasmc.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.build/real-programs"
mkdir -p "$work/wasm" "$work/cache"

die() {
    echo "run.sh: error: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

# --- toolchain and packages -------------------------------------------------
# shellcheck source=../../scripts/wasm32-toolchain.sh
source "$root/scripts/wasm32-toolchain.sh"
wasm32_require c c++ rust || die "$wasm32_error"
# wasmc links WASI programs with -luv; wasmtime (PyPI) is the reference runtime.
ensure_packages libuv1-dev || die "$packages_error"
ensure_python_packages wasmtime=wasmtime==50.0.1 || die "$packages_error"

wasmc=${WASMC:-$root/.build/debug/wasmc}
if [[ ! -x $wasmc && -z ${WASMC:-} ]]; then
    echo "building wasmc (swift build)"
    (cd "$root" && swift build --product wasmc 2>&1 | tail -3) || die "swift build failed"
fi
[[ -x $wasmc ]] || die "wasmc not found at $wasmc"

# --- building the corpus ----------------------------------------------------
wasm32_sysroot "$work/wasi-sysroot"
c_flags=("${WASM32_CFLAGS[@]}" -O2 -Wall -Wextra -Werror)
cxx_flags=("${WASM32_CFLAGS[@]}" "${WASM32_CXXFLAGS[@]}" -std=c++17 -O2 -Wall -Wextra -Werror)
# Debian's Rust 1.63 knows the target as wasm32-wasi. Debug info is stripped (the
# name section stays); overflow checks on, as in debug builds, so arithmetic
# overflow panics the same way everywhere.
rust_flags=(--target wasm32-wasi --edition 2021 -C opt-level=2 -C strip=debuginfo -C overflow-checks=on
    -C link-arg=-zstack-size=1048576)
toolchain_id=$("$CLANG" --version | head -1; "$RUSTC" --version; echo "$WASM32_BUILTINS")

# Sets `command` to the command that builds $1 (a source file) into $2.
build_command() {
    local source=$1 output=$2
    case $source in
    *.c) command=("$CLANG" "${c_flags[@]}" "$source" -o "$output" "${WASM32_LINK[@]}" -lm) ;;
    *.cpp) command=("$CLANG" "${cxx_flags[@]}" "$source" -o "$output" "${WASM32_CXX_LINK[@]}" -lm) ;;
    *.rs) command=("$RUSTC" "${rust_flags[@]}" "$source" -o "$output") ;;
    esac
}

failed_builds=()
built=0
reused=0
for source in "$here"/c/*.c "$here"/cpp/*.cpp "$here"/rust/*.rs; do
    name=$(basename "${source%.*}")
    if (($#)); then
        wanted=0
        for word in "$@"; do [[ $name == *"$word"* ]] && wanted=1; done
        ((wanted)) || continue
    fi
    # Sources are built from the corpus directory by relative path, so file names in
    # messages (Rust panics) do not depend on where the repository is checked out.
    relative=${source#"$here"/}
    build_command "$relative" out
    key=$( { cat "$source"; echo "${command[*]}"; echo "$toolchain_id"; } | sha256sum | cut -c1-16)
    cached="$work/cache/$name-$key.wasm"
    if [[ ! -f $cached ]]; then
        # Linked under its own name (the name section records it), then moved into the cache.
        rm -rf "$work/cache/tmp" && mkdir -p "$work/cache/tmp"
        build_command "$relative" "$work/cache/tmp/$name.wasm"
        if ! (cd "$here" && "${command[@]}"); then
            echo "FAIL  $name: wasm build failed"
            failed_builds+=("$name")
            continue
        fi
        mv "$work/cache/tmp/$name.wasm" "$cached"
        built=$((built + 1))
    else
        reused=$((reused + 1))
    fi
    cp "$cached" "$work/wasm/$name.wasm"
done
echo "wasm: $built built, $reused reused from $work/cache"

joined=$(IFS=,; echo "${failed_builds[*]}")
exec python3 "$here/run.py" --wasm-dir "$work/wasm" --work-dir "$work" --wasmc "$wasmc" \
    --jobs "${JOBS:-2}" --failed-builds "$joined" "$@"
