#!/usr/bin/env bash
# Beyond one device: the durable queue's C unit tests (under AddressSanitizer
# and UBSan, with truncated and bit-flipped files), the edge host end to end
# against a real mosquitto as the upstream cluster (bridge, outage, SIGKILL,
# at-least-once HTTP), and the broker's MQTT 5 with paho-mqtt and mosquitto's
# clients.
# Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
build=build/uplink-tests
mkdir -p "$build"
passed=0
failed=0
add() {  # the "N passed, M failed" line of a step's output
  local line
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" <<<"$1" | tail -1)
  if [[ -z "$line" ]]; then failed=$((failed + 1)); return; fi
  passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")))
}

# shellcheck source=../../scripts/lib/packages.sh
source scripts/lib/packages.sh
ensure_packages mosquitto mosquitto-clients openssl || echo "$packages_error" >&2
ensure_python_packages paho.mqtt=paho-mqtt || echo "$packages_error" >&2

CC="${CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
LD=()
[ -x "$(dirname "$CC")/ld.lld" ] && LD=(-fuse-ld=lld)
echo "== queue unit tests"
if "$CC" -std=gnu11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all "${LD[@]}" -Iruntime-c/include -ITests/Support "$here/test_queue.c" runtime-c/edge/edge_queue.c \
    -o "$build/test_queue" -lpthread; then
  rm -rf "$build/queue-files"
  out=$("$build/test_queue" "$build/queue-files" 2>&1)
  echo "$out"
  add "$out"
else
  echo "FAIL cannot build the queue tests"
  failed=$((failed + 1))
fi

echo "== bridge end to end"
if ! command -v mosquitto >/dev/null || ! python3 -c "import paho.mqtt" 2>/dev/null; then
  echo "FAIL mosquitto or paho-mqtt missing (apt-get install mosquitto; pip install paho-mqtt)"
  failed=$((failed + 1))
elif .build/debug/wasmc compile modules/server.wasm modules/telemetry.wasm modules/gateway.wasm -o "$build/edge-host"; then
  out=$(python3 "$here/bridge_e2e.py" "$build/edge-host" 2>&1)
  echo "$out"
  add "$out"
  echo "== MQTT 5 end to end"
  out=$(python3 "$here/mqtt5_e2e.py" "$build/edge-host" 2>&1)
  echo "$out"
  add "$out"
else
  echo "FAIL cannot build the edge host"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
((failed == 0))
