#!/usr/bin/env bash
# Build the WASI guest programs (programs/*.c → wasm32-wasi), then run each
# one compiled by wasmc and under wasmtime and compare them (compare.py).
# The last line is "N passed, M failed"; the exit status is non-zero on any
# failure.
#
#   Tests/WASIGuests/run.sh                  # everything
#   Tests/WASIGuests/run.sh files sandbox    # programs whose name contains a word
#
# Environment:
#   WASMC_TARGET      cross-compile for this triple (aarch64-linux-gnu, armv7-linux-gnueabihf)
#                     and run under qemu-user, in the bounds modes of WASMC_BOUNDS_MODES
#                     (comma-separated; default: wasmc's default for the target)
#   WASMC             the wasmc to test (default .build/debug/wasmc, used as
#                     it is: Tests/run-all.sh builds it first; only a missing
#                     default one is built here)
#   CLANG, BUILTINS   as in scripts/wasm32-toolchain.sh
# As root, missing packages are installed (wasi-libc, libclang-rt-dev-wasm32,
# libuv1-dev, and the wasmtime pip package); otherwise their absence is an error.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.build/wasi-guests"
mkdir -p "$work/wasm"

die() {
    echo "run.sh: error: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

# --- toolchain and packages -------------------------------------------------
# shellcheck source=../../scripts/wasm32-toolchain.sh
source "$root/scripts/wasm32-toolchain.sh"
wasm32_require c || die "$wasm32_error"
# wasmc links WASI programs with -luv; wasmtime (PyPI) is the reference runtime.
ensure_packages libuv1-dev || die "$packages_error"
ensure_python_packages wasmtime=wasmtime==50.0.1 || die "$packages_error"

# --- wasmc ------------------------------------------------------------------
wasmc=${WASMC:-$root/.build/debug/wasmc}
if [[ ! -x $wasmc && -z ${WASMC:-} ]]; then
    echo "building wasmc (swift build)"
    (cd "$root" && swift build --product wasmc 2>&1 | tail -3) || die "swift build failed"
fi
"$wasmc" run --help >/dev/null 2>&1 || die "$wasmc has no 'run' command: it predates WASI support (rebuild it: swift build)"

# --- guests -----------------------------------------------------------------
wasm32_sysroot "$work/wasi-sysroot"
flags=("${WASM32_CFLAGS[@]}" -O2 -Wall -Wextra -Werror)
link=("${WASM32_LINK[@]}")

failed_builds=()
for source in "$here"/programs/*.c; do
    name=$(basename "$source" .c)
    if (($#)); then
        wanted=0
        for word in "$@"; do [[ $name == *"$word"* ]] && wanted=1; done
        ((wanted)) || continue
    fi
    wasm="$work/wasm/$name.wasm"
    if [[ ! -e $wasm || $source -nt $wasm || $here/programs/guest.h -nt $wasm || ${BASH_SOURCE[0]} -nt $wasm ]]; then
        if ! "$CLANG" "${flags[@]}" "$source" -o "$wasm.tmp" "${link[@]}"; then
            echo "FAIL  $name: wasm build failed"
            failed_builds+=("$name")
            continue
        fi
        mv "$wasm.tmp" "$wasm"
    fi
done

joined=$(IFS=,; echo "${failed_builds[*]}")
target=()
run_dir=$work
if [[ -n ${WASMC_TARGET:-} ]]; then
    target=(--target "$WASMC_TARGET" --bounds-modes "${WASMC_BOUNDS_MODES:-}")
    run_dir=$work/$WASMC_TARGET
fi
exec python3 "$here/compare.py" --wasm-dir "$work/wasm" --work-dir "$run_dir" --wasmc "$wasmc" \
    --failed-builds "$joined" "${target[@]}" "$@"
