#!/usr/bin/env bash
# The flagship scenario in one command: builds wasmc and the edge host from
# modules/*.wasm, starts a local HTTP receiver standing in for the cloud, runs
# the host, and shows events flowing: telemetry to an MQTT subscriber, a
# client's message through the broker and the gateway to the receiver.
#
#   modules/run-flagship.sh [SECONDS]     (default 10; 0 runs until Ctrl-C)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
mqtt_port=${MQTT_PORT:-1883}
http_port=${HTTP_PORT:-8088}

# shellcheck source=../scripts/lib/packages.sh
source scripts/lib/packages.sh
ensure_packages libuv1-dev libcurl4-openssl-dev libssl-dev mosquitto-clients || {
  echo "$packages_error" >&2
  exit 1
}

echo "== building wasmc and the edge host"
swift build -c release --product wasmc 2>&1 | tail -1
swift build -c release --product EdgeHost 2>&1 | tail -1  # libEdgeHost.a, linked into the program
.build/release/wasmc compile modules/*.wasm -o build/edge-host

cleanup() {
  [[ -n ${host:-} ]] && kill -TERM "$host" 2>/dev/null && wait "$host" 2>/dev/null
  [[ -n ${receiver:-} ]] && kill "$receiver" 2>/dev/null
  true
}
trap cleanup EXIT

echo "== HTTP receiver (the cloud) on 127.0.0.1:$http_port"
python3 -u - "$http_port" <<'PY' &
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print("  cloud received:", body.decode(errors="replace"), flush=True)
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
receiver=$!

echo "== edge host: MQTT on 127.0.0.1:$mqtt_port, gateway to 127.0.0.1:$http_port only"
build/edge-host --server-socket-address "127.0.0.1:$mqtt_port" \
  --gateway-endpoint "http://127.0.0.1:$http_port/events" --gateway-allowed-host "127.0.0.1:$http_port" \
  --set telemetry.interval_ms=1000 --log-level info &
host=$!
sleep 1

echo "== an MQTT subscriber sees telemetry"
mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t 'telemetry/#' -v -C 4 -W 5 | sed 's/^/  mqtt: /'
echo "== a client publishes; the gateway forwards it to the cloud"
mosquitto_pub -h 127.0.0.1 -p "$mqtt_port" -t sensors/door -m '{"open":true}' -q 1

if [[ $seconds == 0 ]]; then
  wait "$host"
else
  sleep "$seconds"
fi
