#!/usr/bin/env bash
# Builds the edge host from modules/*.wasm (plus a module that always traps) and runs the
# end-to-end test. Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
build=build/edge-host-tests
mkdir -p "$build"
# shellcheck source=../../scripts/lib/packages.sh
source scripts/lib/packages.sh
ensure_packages mosquitto-clients wabt libcurl4-openssl-dev libssl-dev || echo "$packages_error" >&2
for tool in mosquitto_pub mosquitto_sub wat2wasm; do
  command -v "$tool" >/dev/null || { echo "missing $tool (install mosquitto-clients and wabt)"; echo "0 passed, 1 failed"; exit 1; }
done
wat2wasm "$here/faulty.wat" -o "$build/faulty.wasm" || { echo "0 passed, 1 failed"; exit 1; }
if ! .build/debug/wasmc compile modules/server.wasm modules/telemetry.wasm modules/gateway.wasm "$build/faulty.wasm" -o "$build/edge-host"; then
  echo "0 passed, 1 failed"
  exit 1
fi
python3 "$here/e2e.py" "$build/edge-host"
