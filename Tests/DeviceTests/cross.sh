#!/usr/bin/env bash
# ARM devices under emulation: for aarch64 (guard pages and explicit checks) and armv7
# (explicit checks; 32-bit ARM has no room for guard pages), cross-compiles with
# `wasmc --target` and runs under qemu-user
#   - the spec suite (the same scripts as Tests/run-all.sh; WASMC_CROSS_SPEC=N takes every
#     Nth script instead), whose passed count must equal x86-64's when the host's run of
#     the same scripts is in build/test-logs/spec-guard.log;
#   - the WASI guest programs (Tests/WASIGuests), compared with wasmtime like x86-64's.
# Ends with "N passed, M failed". As root, installs the cross toolchains, qemu-user and
# the targets' libuv (Debian multiarch).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
testsuite="${WASMC_TESTSUITE:-../shared/testsuite}"
wasmc=$(realpath "${WASMC:-.build/debug/wasmc}")
log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0
failed=0
add_summary() {  # NAME LOG: adds its "N passed, M failed" line (and set-up failures)
  local summary setup
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$2" | tail -1)
  setup=$(grep -E "module or action commands failed" "$2" | grep -oE "^[0-9]+" || echo 0)
  echo "$1: ${summary:-no summary (see $2)}$( ((setup > 0)) && echo "; set-up failures: $setup")"
  if [[ -z $summary ]]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
  failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary") + setup))
}

# --- packages -----------------------------------------------------------------
packages=(qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
  libuv1-dev:arm64 libuv1-dev:armhf)
# shellcheck source=../../scripts/lib/packages.sh
source scripts/lib/packages.sh
if ! ensure_packages "${packages[@]}"; then
  echo "FAIL $packages_error"
  echo "0 passed, 1 failed"
  exit 1
fi

# --- spec suite -----------------------------------------------------------------
mapfile -t scripts < <(ls "$testsuite"/*.wast | grep -v '/simd_' | awk -v n="${WASMC_CROSS_SPEC:-1}" '(NR - 1) % n == 0')
host_summary=""
if [[ -z ${WASMC_CROSS_SPEC:-} && -f $log_dir/spec-guard.log ]]; then
  host_summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log_dir/spec-guard.log" | tail -1)
fi
for run in aarch64-linux-gnu:guard aarch64-linux-gnu:explicit armv7-linux-gnueabihf:explicit; do
  target=${run%:*} bounds=${run#*:}
  log=$log_dir/spec-$target-$bounds.log
  start=$(date +%s)
  "$wasmc" spec-test --target "$target" --bounds "$bounds" --known-failures Tests/spec-known-failures.txt \
    "${scripts[@]}" >"$log" 2>&1
  grep -E "^(FAIL|  .*failed:)" "$log" | head -20
  add_summary "spec $target --bounds $bounds (${#scripts[@]} scripts, $(($(date +%s) - start)) s)" "$log"
  if [[ -n $host_summary ]]; then
    summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
    if [[ $summary == "$host_summary" ]]; then
      echo "ok   spec $target --bounds $bounds: the same counts as x86-64 ($host_summary)"
      passed=$((passed + 1))
    else
      echo "FAIL spec $target --bounds $bounds: '$summary', x86-64 '$host_summary'"
      failed=$((failed + 1))
    fi
  fi
done

# --- WASI guest programs ------------------------------------------------------------
for run in aarch64-linux-gnu:guard,explicit armv7-linux-gnueabihf:explicit; do
  target=${run%:*} modes=${run#*:}
  log=$log_dir/wasi-guests-$target.log
  start=$(date +%s)
  WASMC="$wasmc" WASMC_TARGET=$target WASMC_BOUNDS_MODES=$modes Tests/WASIGuests/run.sh >"$log" 2>&1
  grep -E "^FAIL" "$log" | head -20
  add_summary "WASI guests $target --bounds ${modes//,/ and } ($(($(date +%s) - start)) s)" "$log"
done

echo "$passed passed, $failed failed"
((failed == 0))
