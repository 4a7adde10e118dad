#!/usr/bin/env python3
"""on_edge_host.py — the guest modules' behaviour on the real edge host: a program
built by `wasmc compile modules/server.wasm modules/telemetry.wasm
modules/gateway.wasm`, run with the flagship's flags, real MQTT clients (raw
sockets and mosquitto_pub/sub) and a local HTTP receiver standing in for the
gateway's endpoint. Checks what a user would see: telemetry events, MQTT
behaviour, the gateway's POSTs, and the modules' log lines.

    python3 modules/tests/on_edge_host.py EDGE_HOST            # all tests
    python3 modules/tests/on_edge_host.py EDGE_HOST -k mqtt    # names containing "mqtt"

A test that needs only some modules switches the others off with settings:
telemetry ticks once a day, and the gateway without --gateway-endpoint
subscribes to nothing. Needs mosquitto_pub/mosquitto_sub (Debian package
mosquitto-clients) for the tests that use them: without them those tests are
reported as skipped. Uses only 127.0.0.1. Ends with the line
"N passed, M failed[, K skipped]".
"""

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Support"))

from testlib import (HOST, EdgeHost, RawClient, Receiver, connect_packet, flagship_command,  # noqa: E402
                     free_port, mqtt_packet, mqtt_string, publish_packet, summary, wait_for)

BINARY = None
WORK = tempfile.mkdtemp(prefix="module-tests-")
HAVE_MOSQUITTO = shutil.which("mosquitto_pub") and shutil.which("mosquitto_sub")
QUIET_TELEMETRY = {"interval_ms": 86400000}


class Skip(Exception):
    pass


class System:
    """The edge host with the three modules. telemetry=None keeps telemetry quiet (one
    tick a day); receiver=None runs the gateway without an endpoint (it subscribes to
    nothing); endpoint/allowed override the receiver's URL and the allowed host."""

    def __init__(self, telemetry=None, gateway=None, server=None, receiver=None, endpoint=None,
                 allowed=None):
        settings = {"server.stats_interval_ms": 0, "gateway.stats_interval_ms": 0,
                    "gateway.retry_initial_ms": 100, "gateway.retry_max_ms": 400}
        for module, config in (("telemetry", telemetry or QUIET_TELEMETRY), ("gateway", gateway or {}),
                               ("server", server or {})):
            settings.update({f"{module}.{key}": value for key, value in config.items()})
        self.receiver = receiver
        if receiver is not None:
            endpoint = endpoint or receiver.url
            allowed = allowed or receiver.allowed
        self.port = free_port()
        command = flagship_command(BINARY, self.port, endpoint, allowed,
                                   [f"{k}={v}" for k, v in settings.items()], ["--log-level", "debug"])
        self.host = EdgeHost(command, self.port, os.path.join(WORK, f"edge-host-{self.port}.log"))

    def __enter__(self):
        assert self.host.started, f"the edge host did not start: {self.host.text()[-800:]}"
        # Ready when every module has started and the gateway has subscribed (or said it
        # will not): a message published earlier would reach no gateway.
        ready = lambda: (self.logged("server", "MQTT broker listening") and self.logged("telemetry", "started")
                         and (self.logged("gateway", "forwarding") or self.logged("gateway", "no endpoint")))
        assert wait_for(ready, 10), f"the modules did not start: {self.host.text()[-800:]}"
        return self

    def __exit__(self, kind, *rest):
        code, seconds = self.host.stop()
        if kind is None:  # the test passed: the host must also stop cleanly
            assert code == 0, f"the edge host exited {code} on SIGTERM: {self.host.text()[-800:]}"
            assert "trap" not in self.host.text(), self.host.text()[-800:]
        elif os.environ.get("EDGE_HOST_VERBOSE"):
            print(self.host.text()[-3000:])

    def logs(self, module):
        """(level, text) of every line the module logged."""
        found = []
        for line in self.host.text().splitlines():
            match = re.match(r"^\d+\.\d+ (\w+) module=(\S+) (.*)$", line)
            if match and match.group(2) == module:
                found.append((match.group(1), match.group(3)))
        return found

    def logged(self, module, needle):
        return any(needle in text for _, text in self.logs(module))

    def posts(self):
        """(content type, event, status) of every POST the receiver answered."""
        return [(r.headers.get("Content-Type"), r.event, r.status) for r in list(self.receiver.requests)]


def mosquitto(args, timeout=15):
    if not HAVE_MOSQUITTO:
        raise Skip("mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients)")
    return subprocess.run(args, capture_output=True, timeout=timeout)


def telemetry_events(port, count, topic="telemetry/#", qos=0, first_kind=None):
    """The next `count` telemetry messages (topic, event, qos, retain) seen by a subscriber,
    starting at a message of kind first_kind (a whole tick) when given."""
    client = RawClient(port, "telemetry-watcher")
    client.subscribe(topic, qos)
    seen = []
    deadline = time.monotonic() + 15
    while len(seen) < count and time.monotonic() < deadline:
        topic_name, payload, got_qos, retain, pid = client.read_publish(timeout=10)
        if got_qos:
            client.send(mqtt_packet(0x40, struct.pack(">H", pid)))  # PUBACK
        event = json.loads(payload)
        if not seen and first_kind and event["kind"] != first_kind:
            continue
        seen.append((topic_name, event, got_qos, retain))
    client.close()
    return seen


# ---- telemetry -----------------------------------------------------------------

def test_telemetry_ticks():
    """telemetry at 200 ms: whole ticks of 4 kinds, consecutive sequence numbers, uptime on
    time, counters that match what was published, real host metrics."""
    with System(telemetry={"interval_ms": 200}) as s:
        start = time.monotonic()
        seen = telemetry_events(s.port, 12, first_kind="uptime")
        elapsed = time.monotonic() - start
    topics = [t for t, _, _, _ in seen]
    assert topics == ["telemetry/uptime", "telemetry/clock", "telemetry/counter", "telemetry/load"] * 3, topics
    events = [e for _, e, _, _ in seen]
    first = events[0]["seq"]
    for i, e in enumerate(events):
        assert e["seq"] == first + i // 4 and e["device"] == "edge", e
        assert abs(e["ts_ms"] / 1000 - time.time()) < 60, e
    uptimes = [e["uptime_ms"] for e in events if e["kind"] == "uptime"]
    assert all(abs(u - 200 * (first + k)) < 150 for k, u in enumerate(uptimes)), (first, uptimes)
    clock = events[1]
    assert clock["realtime"].endswith("Z") and len(clock["realtime"]) == 24, clock
    assert time.strftime("%Y-%m-%dT", time.gmtime(clock["unix_ms"] / 1000)) in clock["realtime"]
    counter = events[2]
    # Before a tick's counter event this module has published 4 per earlier tick, then 2;
    # nothing else publishes on the bus here.
    assert counter["published"] == 4 * (first - 1) + 2 and counter["bus_published"] == counter["published"], counter
    load = events[3]
    assert isinstance(load["load1"], float) and 1 << 20 < load["rss_bytes"] < 1 << 34, load
    assert elapsed < 3.0 + 0.2 * first, elapsed


def test_telemetry_config():
    """kinds/topic_prefix/device/qos/retain config; an unknown kind is logged."""
    config = {"interval_ms": 50, "kinds": "counter,bogus", "topic_prefix": "plant/7", "device": "press-1",
              "qos": 1, "retain": 1}
    with System(telemetry=config) as s:
        seen = telemetry_events(s.port, 2, topic="plant/#", qos=1)
        assert [(t, q) for t, _, q, _ in seen] == [("plant/7/counter", 1)] * 2, seen
        e = seen[1][1]
        assert e["kind"] == "counter" and e["device"] == "press-1" and e["published"] == e["seq"] - 1, e
        assert isinstance(e["bus_published"], int) and 0 <= e["bus_delivered"] <= e["bus_published"], e
        # retain=1: a subscriber that comes later gets the last one, flagged retained.
        late = RawClient(s.port, "late")
        late.subscribe("plant/7/counter", 0)
        topic, payload, _, retain, _ = late.read_publish()
        assert topic == "plant/7/counter" and retain, (topic, retain)
        assert s.logged("telemetry", "unknown telemetry kind 'bogus'"), s.logs("telemetry")


def test_bus_delivery_reentrant():
    """telemetry → bus → gateway (guest.on-message inside poll_oneoff) → HTTP POST."""
    with System(telemetry={"interval_ms": 100, "kinds": "uptime"}, receiver=Receiver()) as s:
        assert wait_for(lambda: len(s.receiver.events) >= 3, 5), s.logs("gateway")
        ctype, body, result = s.posts()[0]
        assert ctype == "application/json" and result == 200, (ctype, result)
        assert body["topic"] == "telemetry/uptime" and set(body) == {"topic", "payload"}, body
        assert json.loads(body["payload"])["kind"] == "uptime"


# ---- MQTT with raw clients ------------------------------------------------------

def test_mqtt_connect_and_ping():
    with System() as s:
        c = RawClient(s.port, "pinger")
        c.send(b"\xC0\x00")
        t, first, body = c.read_packet()
        assert (first, body) == (0xD0, b"")
        c.send(b"\xE0\x00")  # DISCONNECT
        assert c.closed_within(2)


def test_mqtt_bad_protocol_level():
    with System() as s:
        c = RawClient(s.port, connect=False)
        c.send(connect_packet("old", level=3))
        t, first, body = c.read_packet()
        assert first == 0x20 and body == b"\x00\x01", (first, body)  # unacceptable version
        assert c.closed_within(3)
        c = RawClient(s.port, connect=False)
        c.send(connect_packet("v31", level=3, name="MQIsdp"))
        assert c.read_packet()[2] == b"\x00\x01"


def test_mqtt_pubsub_wildcards_and_qos():
    with System() as s:
        sub0 = RawClient(s.port, "sub0")
        assert sub0.subscribe("home/+/temp", 0) == b"\x00"
        sub1 = RawClient(s.port, "sub1")
        assert sub1.subscribe("home/#", 2) == b"\x01"  # QoS 2 granted as 1
        dollar = RawClient(s.port, "dollar")
        assert dollar.subscribe("#", 0) == b"\x00"
        assert dollar.subscribe("a+", 0, pid=2) == b"\x80"  # invalid filter refused
        pub = RawClient(s.port, "pub")
        pub.send(publish_packet("home/kitchen/temp", b"21", qos=1, pid=7))
        t, first, body = pub.read_packet()
        assert (first, body) == (0x40, b"\x00\x07"), (first, body)  # PUBACK
        assert sub0.read_publish()[:3] == ("home/kitchen/temp", b"21", 0)
        topic, payload, qos, retain, pid = sub1.read_publish()
        assert (topic, payload, qos, retain) == ("home/kitchen/temp", b"21", 1, False)
        sub1.send(mqtt_packet(0x40, struct.pack(">H", pid)))  # PUBACK
        assert dollar.read_publish()[:2] == ("home/kitchen/temp", b"21")
        pub.send(publish_packet("$SYS/test", b"x"))
        pub.send(publish_packet("home/door", b"open"))
        assert sub1.read_publish()[:2] == ("home/door", b"open")
        assert dollar.read_publish()[:2] == ("home/door", b"open")  # $SYS/test skipped
        # UNSUBSCRIBE
        sub1.send(mqtt_packet(0xA2, struct.pack(">H", 9) + mqtt_string("home/#")))
        assert sub1.read_packet()[1:] == (0xB0, b"\x00\x09")
        pub.send(publish_packet("home/x", b"1"))
        assert dollar.read_publish()[:2] == ("home/x", b"1")
        try:
            sub1.read_publish(timeout=0.5)
            raise AssertionError("delivered after UNSUBSCRIBE")
        except socket.timeout:
            pass


def test_mqtt_malformed_closes_only_that_client():
    with System() as s:
        good = RawClient(s.port, "good")
        good.subscribe("t")
        for junk in (b"\x00\x00", b"\x30\xFF\xFF\xFF\xFF\x7F", b"\x82\x03\x00\x01\x00",
                     b"GET / HTTP/1.1\r\n\r\n", bytes(range(256))):
            bad = RawClient(s.port, "bad")
            bad.send(junk)
            assert bad.closed_within(3), junk
        # Before CONNECT too.
        raw = RawClient(s.port, connect=False)
        raw.send(mqtt_packet(0x82, struct.pack(">H", 1) + mqtt_string("x") + b"\x00"))
        assert raw.closed_within(3)
        pub = RawClient(s.port, "pub")
        pub.send(publish_packet("t", b"alive"))
        assert good.read_publish()[:2] == ("t", b"alive")


def test_mqtt_keepalive_timeout():
    with System() as s:
        c = RawClient(s.port, "sleepy", keep_alive=1)
        start = time.monotonic()
        assert c.closed_within(4), "not disconnected"
        elapsed = time.monotonic() - start
        assert 1.3 <= elapsed <= 3.5, elapsed  # 1.5 × keep-alive (+ slack for a busy machine)


def test_mqtt_many_clients():
    with System() as s:
        clients = [RawClient(s.port, f"c{i}") for i in range(40)]
        for c in clients:
            c.subscribe("fan/out", 1)
        pub = RawClient(s.port, "pub")
        pub.send(publish_packet("fan/out", b"hello all", qos=1, pid=3))
        for c in clients:
            assert c.read_publish()[:3] == ("fan/out", b"hello all", 1)
        assert s.host.alive()


def test_mqtt_client_limit():
    with System(server={"max_clients": 3}) as s:
        clients = [RawClient(s.port, f"c{i}") for i in range(3)]
        extra = RawClient(s.port, connect=False)
        assert extra.closed_within(3), "4th connection not refused"
        clients[0].close()
        time.sleep(0.3)
        RawClient(s.port, "again")  # a freed slot is reused
        assert s.logged("server", "refusing connection"), s.logs("server")


def test_mqtt_large_payload_and_size_limit():
    with System() as s:
        sub = RawClient(s.port, "sub")
        sub.subscribe("big", 1)
        payload = bytes(i % 251 for i in range(200 * 1024))
        pub = RawClient(s.port, "pub")
        pub.send(publish_packet("big", payload, qos=1, pid=5))
        assert pub.read_packet()[1:] == (0x40, b"\x00\x05")
        topic, got, qos, _, _ = sub.read_publish()
        assert topic == "big" and got == payload and qos == 1
        # Over max_packet (256 KiB by default): that client is closed.
        pub.send(publish_packet("big", bytes(300 * 1024)))
        assert pub.closed_within(3)


def test_mqtt_retained_raw():
    with System() as s:
        pub = RawClient(s.port, "pub")
        pub.send(publish_packet("cfg/mode", b"eco", retain=True))
        time.sleep(0.2)
        late = RawClient(s.port, "late")
        late.subscribe("cfg/#", 1)
        assert late.read_publish()[:4] == ("cfg/mode", b"eco", 0, True)
        pub.send(publish_packet("cfg/mode", b"", retain=True))  # clear
        assert late.read_publish()[:4] == ("cfg/mode", b"", 0, False)
        later = RawClient(s.port, "later")
        later.subscribe("cfg/#", 1)
        try:
            later.read_publish(timeout=0.5)
            raise AssertionError("cleared retained message still delivered")
        except socket.timeout:
            pass


# ---- MQTT with mosquitto's clients ------------------------------------------------

def test_mosquitto_telemetry_to_subscriber():
    """The flagship path: telemetry → host bus → server → mosquitto_sub."""
    with System(telemetry={"interval_ms": 200}) as s:
        r = mosquitto(["mosquitto_sub", "-h", HOST, "-p", str(s.port), "-t", "telemetry/#",
                       "-v", "-C", "4", "-W", "10"])
        assert r.returncode == 0, r
        lines = r.stdout.decode().splitlines()
        assert len(lines) == 4, lines
        kinds = set()
        for line in lines:
            topic, payload = line.split(" ", 1)
            event = json.loads(payload)
            assert topic == f"telemetry/{event['kind']}", line
            kinds.add(event["kind"])
        assert kinds == {"uptime", "clock", "counter", "load"}, kinds


def test_mosquitto_publish_to_gateway_and_subscriber():
    with System(receiver=Receiver()) as s:
        sub = subprocess.Popen(["mosquitto_sub", "-h", HOST, "-p", str(s.port), "-t",
                                "sensors/+/temp", "-q", "1", "-C", "1", "-W", "10"],
                               stdout=subprocess.PIPE) if HAVE_MOSQUITTO else None
        time.sleep(0.5)
        r = mosquitto(["mosquitto_pub", "-h", HOST, "-p", str(s.port), "-t",
                       "sensors/room1/temp", "-m", 'say "hi"\n\\', "-q", "1"])
        assert r.returncode == 0, r
        out, _ = sub.communicate(timeout=15)
        assert out == b'say "hi"\n\\\n', out
        assert wait_for(lambda: len(s.receiver.events) >= 1, 5), s.logs("gateway")
        _, body, result = s.posts()[0]
        assert body == {"topic": "sensors/room1/temp", "payload": 'say "hi"\n\\'}, body
        assert result == 200
        # QoS 2 from a real client is accepted (and bridged at QoS 1).
        r = mosquitto(["mosquitto_pub", "-h", HOST, "-p", str(s.port), "-t", "q2/t", "-m",
                       "two", "-q", "2"])
        assert r.returncode == 0, r
        assert wait_for(lambda: len(s.receiver.events) >= 2, 5)
        assert s.receiver.events[1] == {"topic": "q2/t", "payload": "two"}


def test_mosquitto_retained():
    with System() as s:
        base = ["-h", HOST, "-p", str(s.port)]
        r = mosquitto(["mosquitto_pub", *base, "-t", "status/door", "-m", "open", "-r"])
        assert r.returncode == 0, r
        r = mosquitto(["mosquitto_sub", *base, "-t", "status/#", "-C", "1", "-W", "5", "-v"])
        assert r.stdout == b"status/door open\n", r
        r = mosquitto(["mosquitto_pub", *base, "-t", "status/door", "-n", "-r"])
        assert r.returncode == 0, r
        r = mosquitto(["mosquitto_sub", *base, "-t", "status/#", "-C", "1", "-W", "2", "-v"])
        assert r.stdout == b"" and r.returncode != 0, r  # timed out: nothing retained


def test_mosquitto_persistent_session():
    """clean session off (-c): a QoS 1 message published while the subscriber
    is away is delivered when it comes back."""
    with System() as s:
        base = ["-h", HOST, "-p", str(s.port)]
        sub = ["mosquitto_sub", *base, "-c", "-i", "keeper", "-q", "1", "-t", "jobs/#", "-v"]
        r = mosquitto(sub + ["-W", "1"])  # creates the session, then times out
        assert b"jobs" not in r.stdout, r
        r = mosquitto(["mosquitto_pub", *base, "-t", "jobs/7", "-m", "queued", "-q", "1"])
        assert r.returncode == 0, r
        r = mosquitto(sub + ["-C", "1", "-W", "5"])
        assert r.stdout == b"jobs/7 queued\n", r


def test_mosquitto_bad_protocol_version():
    with System() as s:
        r = mosquitto(["mosquitto_pub", "-h", HOST, "-p", str(s.port), "-V", "mqttv31",
                       "-t", "x", "-m", "y"])
        assert r.returncode != 0, r
        assert b"protocol version" in r.stderr.lower() or b"refused" in r.stderr.lower(), r


# ---- the gateway ---------------------------------------------------------------

def test_gateway_base64_for_binary_payload():
    with System(receiver=Receiver()) as s:
        pub = RawClient(s.port, "bin")
        pub.send(publish_packet("raw/bytes", b"\xff\x00\xfe"))
        assert wait_for(lambda: s.receiver.events, 5)
        body = s.receiver.events[0]
        assert body == {"topic": "raw/bytes", "payload": "/wD+", "encoding": "base64"}, body


def test_gateway_retries_with_backoff():
    attempts = []

    def status(request):
        attempts.append(request.time)
        return 503 if len(attempts) <= 2 else 200

    with System(receiver=Receiver(status=status),
                gateway={"retry_initial_ms": 200, "retry_max_ms": 2000}) as s:
        RawClient(s.port, "p").send(publish_packet("retry/me", b"1"))
        assert wait_for(lambda: len(attempts) >= 3, 5), s.logs("gateway")
        gaps = [b - a for a, b in zip(attempts, attempts[1:])]
        assert 0.18 <= gaps[0] < 1.0 and 0.38 <= gaps[1] < 1.5, gaps  # 200 ms, then 400 ms
        assert gaps[1] > gaps[0], gaps
        time.sleep(0.3)
        assert len(attempts) == 3
        assert sum("retrying in" in t for _, t in s.logs("gateway")) == 2, s.logs("gateway")


def test_gateway_denied_is_counted_not_retried():
    """An endpoint the host does not allow: each POST is refused by the host, logged by the
    gateway once, not retried, and nothing reaches any receiver."""
    allowed, refused = Receiver(), Receiver()
    with System(receiver=refused, allowed=allowed.allowed) as s:
        p = RawClient(s.port, "p")
        p.send(publish_packet("deny/a", b"1"))
        p.send(publish_packet("deny/b", b"2"))
        denied = lambda: [t for _, t in s.logs("gateway") if "denied by host policy" in t]
        # The gateway counts drops per reason and logs them in batches.
        assert wait_for(lambda: any("(2 dropped for this reason)" in t for t in denied()), 5), s.logs("gateway")
        time.sleep(0.5)
        assert "deny/a" in denied()[0], denied()
        assert not any("retrying in" in t for _, t in s.logs("gateway")), s.logs("gateway")
        assert "is not an allowed host" in s.host.text(), s.host.text()[-800:]
        assert refused.requests == [] and allowed.requests == []


def test_gateway_gives_up_and_queue_overflow_are_logged():
    """An endpoint nobody listens on: every POST fails to connect."""
    port = free_port()
    with System(endpoint=f"http://{HOST}:{port}/events", allowed=f"{HOST}:{port}",
                gateway={"max_attempts": 2, "queue_max": 3, "retry_initial_ms": 300,
                         "retry_max_ms": 300}) as s:
        p = RawClient(s.port, "p")
        for i in range(6):
            p.send(publish_packet(f"burst/{i}", b"x"))
        assert wait_for(lambda: s.logged("gateway", "too many failed attempts")
                        or s.logged("gateway", "giving up"), 5), s.logs("gateway")
        assert wait_for(lambda: s.logged("gateway", "queue full"), 5), s.logs("gateway")


def test_gateway_without_endpoint_says_so():
    with System() as s:
        assert wait_for(lambda: s.logged("gateway", "no endpoint"), 5), s.logs("gateway")
        assert any(level == "error" and "no endpoint" in t for level, t in s.logs("gateway"))
        # It subscribes to nothing: a client's message is delivered to no module.
        RawClient(s.port, "p").send(publish_packet("nobody/listens", b"x"))
        time.sleep(0.3)
    totals = re.search(r"stopped: published (\d+), delivered (\d+)", s.host.text())
    assert totals and totals.groups() == ("1", "0"), totals and totals.group(0)


# ---- runner ------------------------------------------------------------------

def main():
    global BINARY
    if len(sys.argv) < 2 or not os.access(sys.argv[1], os.X_OK):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    BINARY = os.path.abspath(sys.argv[1])
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "-k" else None
    tests = [(n, f) for n, f in sorted(globals().items())
             if n.startswith("test_") and callable(f) and (only is None or only in n)]
    passed = failed = skipped = 0
    for name, fn in tests:
        start = time.monotonic()
        try:
            fn()
            passed += 1
            print(f"PASS {name} ({time.monotonic() - start:.1f}s)", flush=True)
        except Skip as e:
            skipped += 1
            print(f"SKIP {name}: {e}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name}", flush=True)
            traceback.print_exc()
    print(summary(passed, failed) + (f", {skipped} skipped" if skipped else ""))
    if not failed:
        shutil.rmtree(WORK, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
