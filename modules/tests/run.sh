#!/usr/bin/env bash
# run.sh — every check of the guest modules, in order:
#   1. build.sh --check     the .wasm builds are reproducible (two builds, same bytes)
#   2. build.sh             build modules/<name>.wasm
#   3. server/tests/run.sh  native unit tests: MQTT codec, topics, broker core
#   4. gateway/tests/run.sh native unit tests: JSON envelope, delivery policy
#   5. run_with_wasmtime.py the .wasm modules on wasmtime-py with the Python edge host
# and ends with one line "N passed, M failed" summing all of them (each build
# counts as one check). Exits non-zero if anything failed.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$(cd "$HERE/.." && pwd)"
passed=0
failed=0

# Test tools from Debian/PyPI, installed when missing and we may (root).
if ! command -v mosquitto_sub >/dev/null && [ "$(id -u)" -eq 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        mosquitto-clients) >/dev/null 2>&1 ||
        echo "run.sh: could not install mosquitto-clients; those tests will be skipped" >&2
fi
if ! python3 -c "import wasmtime" 2>/dev/null; then
    python3 -m pip install -q wasmtime >/dev/null 2>&1 ||
        python3 -m pip install -q --break-system-packages wasmtime >/dev/null 2>&1 ||
        echo "run.sh: could not install wasmtime (pip)" >&2
fi

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
if python3 -c "import wasmtime" 2>/dev/null; then
    step "modules on wasmtime" python3 "$HERE/run_with_wasmtime.py"
else
    echo "== modules on wasmtime: wasmtime-py missing (pip install wasmtime)"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
