#!/usr/bin/env bash
# run.sh — every check of the guest modules, in order:
#   1. build.sh --check     the .wasm builds are reproducible (two builds, same bytes)
#   2. build.sh             build modules/<name>.wasm
#   3. server/tests/run.sh  native unit tests: MQTT codec, topics, broker core
#   4. gateway/tests/run.sh native unit tests: JSON envelope, delivery policy
#   5. wasmc compile        the three modules into the edge host (build/module-tests/edge-host)
#   6. on_edge_host.py      the modules' behaviour on that edge host, with real MQTT
#                           clients and an HTTP receiver
# and ends with one line "N passed, M failed" summing all of them (each build
# counts as one check). Exits non-zero if anything failed.
#   WASMC   the wasmc to build the edge host with (default .build/debug/wasmc)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$MODULES/.." && pwd)"
WASMC="${WASMC:-$ROOT/.build/debug/wasmc}"
BUILD="$ROOT/build/module-tests"
passed=0
failed=0

# shellcheck source=../../scripts/lib/packages.sh
source "$ROOT/scripts/lib/packages.sh"
ensure_packages mosquitto-clients libuv1-dev libcurl4-openssl-dev ||
    echo "run.sh: $packages_error; the tests that need them fail or are skipped" >&2

# step NAME COMMAND... — run it, echo its output, add its "N passed, M failed"
# line (or 1 pass/fail by exit status when it prints none).
step() {
    local name="$1"
    shift
    echo "== $name"
    local out status
    out="$("$@" 2>&1)"
    status=$?
    echo "$out"
    local line
    line="$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)"
    if [ -n "$line" ]; then
        passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
        failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
        [ $status -ne 0 ] && [ "$(echo "$line" | cut -d' ' -f3)" = 0 ] && failed=$((failed + 1))
    elif [ $status -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
}

step "reproducible build" "$MODULES/build.sh" --check
step "build" "$MODULES/build.sh"
step "server unit tests" "$MODULES/server/tests/run.sh"
step "gateway unit tests" "$MODULES/gateway/tests/run.sh"
mkdir -p "$BUILD"
rm -f "$BUILD/edge-host"
cd "$ROOT" # where wasmc finds the runtime and the edge host's sources
if [ -x "$WASMC" ]; then
    step "the edge host builds from the modules" "$WASMC" compile "$MODULES/server.wasm" \
        "$MODULES/telemetry.wasm" "$MODULES/gateway.wasm" -o "$BUILD/edge-host"
else
    echo "== the edge host builds from the modules: $WASMC not found (swift build first, or set WASMC)"
    failed=$((failed + 1))
fi
if [ -x "$BUILD/edge-host" ]; then
    step "modules on the edge host" python3 "$HERE/on_edge_host.py" "$BUILD/edge-host"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
