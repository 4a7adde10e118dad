#!/usr/bin/env python3
"""run_with_wasmtime.py — run the built guest modules (modules/*.wasm) on
wasmtime-py with the Python edge host (edge_host.py) and check what a user
would see: telemetry events, MQTT behaviour with real clients, and the
gateway's POSTs.

    python3 modules/tests/run_with_wasmtime.py            # all tests
    python3 modules/tests/run_with_wasmtime.py -k mqtt    # names containing "mqtt"
    EDGE_HOST_VERBOSE=1 ...                               # print module logs

Needs: `pip install wasmtime`; mosquitto_pub/mosquitto_sub (Debian package
mosquitto-clients) for the tests that use real clients — without them those
tests are reported as skipped. Uses only 127.0.0.1. Ends with the line
"N passed, M failed[, K skipped]".
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import wasmtime  # noqa: E402

from edge_host import Bus, GuestModule  # noqa: E402

ENGINE = wasmtime.Engine()
HAVE_MOSQUITTO = shutil.which("mosquitto_pub") and shutil.which("mosquitto_sub")


def wasm(name):
    return os.path.join(MODULES, f"{name}.wasm")


def wait_until(cond, timeout=5.0, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


class Skip(Exception):
    pass


# ---- a tiny raw MQTT client for the byte-level cases ------------------------

def enc_str(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def packet(first, body):
    n, length = len(body), b""
    while True:
        byte = n & 0x7F
        n >>= 7
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return bytes([first]) + length + body


def connect_pkt(client_id, keep_alive=60, level=4, clean=True, name="MQTT"):
    return packet(0x10, enc_str(name) + bytes([level, 0x02 if clean else 0]) +
                  struct.pack(">H", keep_alive) + enc_str(client_id))


def subscribe_pkt(pid, flt, qos=0):
    return packet(0x82, struct.pack(">H", pid) + enc_str(flt) + bytes([qos]))


def publish_pkt(topic, payload, qos=0, retain=False, pid=1):
    body = enc_str(topic) + (struct.pack(">H", pid) if qos else b"") + payload
    return packet(0x30 | (qos << 1) | (1 if retain else 0), body)


class RawClient:
    def __init__(self, port, client_id=None, keep_alive=60, connect=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""
        if connect:
            self.sock.sendall(connect_pkt(client_id or f"raw-{id(self)}", keep_alive))
            t, _, body = self.read_packet()
            assert t == 0x20 and body == b"\x00\x00", f"CONNACK {t:#x} {body!r}"

    def send(self, data):
        self.sock.sendall(data)

    def read_packet(self, timeout=5.0):
        """(first byte, flags-less type byte, body) or raises on timeout/EOF."""
        self.sock.settimeout(timeout)
        while True:
            if len(self.buf) >= 2:
                mult, length, i = 1, 0, 1
                while i < len(self.buf):
                    b = self.buf[i]
                    length += (b & 0x7F) * mult
                    mult *= 128
                    i += 1
                    if not b & 0x80:
                        break
                else:
                    i = None
                if i is not None and len(self.buf) >= i + length:
                    first, body = self.buf[0], self.buf[i:i + length]
                    self.buf = self.buf[i + length:]
                    return first & 0xF0, first, body
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def read_publish(self, timeout=5.0):
        t, first, body = self.read_packet(timeout)
        assert t == 0x30, f"expected PUBLISH, got {first:#x}"
        tl = struct.unpack(">H", body[:2])[0]
        topic = body[2:2 + tl].decode()
        qos = (first >> 1) & 3
        off = 2 + tl
        pid = None
        if qos:
            pid = struct.unpack(">H", body[off:off + 2])[0]
            off += 2
        return topic, body[off:], qos, bool(first & 1), pid

    def subscribe(self, flt, qos=0, pid=1):
        self.send(subscribe_pkt(pid, flt, qos))
        t, _, body = self.read_packet()
        assert t == 0x90, f"expected SUBACK, got {t:#x}"
        return body[2:]

    def closed_within(self, seconds):
        """True if the server closes the connection within `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                if not self.sock.recv(65536):
                    return True
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
        return False

    def close(self):
        self.sock.close()


# ---- the system under test ---------------------------------------------------

class System:
    """server + telemetry + gateway on one bus, like the flagship host."""

    def __init__(self, telemetry_config=None, gateway_config=None, http=None,
                 with_telemetry=True, with_gateway=True, server_config=None):
        self.bus = Bus()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.http_calls = []
        self.http_script = http or (lambda url, ctype, body, timeout: 200)
        self.modules = []
        cfg = {"stats_interval_ms": 0}
        cfg.update(server_config or {})
        self.server = GuestModule(ENGINE, self.bus, "server", wasm("server"), cfg,
                                  listener=self.listener)
        self.modules.append(self.server)
        self.telemetry = self.gateway = None
        if with_telemetry:
            cfg = {"interval_ms": 300}
            cfg.update(telemetry_config or {})
            self.telemetry = GuestModule(ENGINE, self.bus, "telemetry", wasm("telemetry"), cfg)
            self.modules.append(self.telemetry)
        if with_gateway:
            cfg = {"endpoint": "http://collector.test/ingest", "retry_initial_ms": 100,
                   "retry_max_ms": 400, "stats_interval_ms": 0}
            cfg.update(gateway_config or {})
            self.gateway = GuestModule(ENGINE, self.bus, "gateway", wasm("gateway"), cfg,
                                       http=self.http_script)
            self.modules.append(self.gateway)

    def __enter__(self):
        for m in self.modules:
            m.start()
        # Ready when every module has subscribed/logged its start line.
        assert wait_until(lambda: all(m.logs for m in self.modules), 10), "modules did not start"
        assert wait_until(lambda: "#" in self.server.filters, 5), "server did not subscribe"
        return self

    def __exit__(self, *exc):
        for m in self.modules:
            assert m.stop(), f"{m.name} did not stop"
        self.listener.close()
        for m in self.modules:
            assert m.outcome == "stopped", f"{m.name} ended with {m.outcome!r}: {m.logs[-5:]}"

    def posts_json(self):
        out = []
        for _, url, ctype, body, result in list(self.gateway.posts):
            out.append((url, ctype, json.loads(body), result))
        return out


def mosquitto(args, timeout=15):
    if not HAVE_MOSQUITTO:
        raise Skip("mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients)")
    return subprocess.run(args, capture_output=True, timeout=timeout)


# ---- tests -------------------------------------------------------------------

def test_telemetry_on_wasmtime_wasi():
    """telemetry on wasmtime's own WASI: 3 ticks of 4 kinds at 200 ms."""
    bus = Bus()
    m = GuestModule(ENGINE, bus, "telemetry", wasm("telemetry"), {"interval_ms": 200},
                    wasi="wasmtime", metrics={"host.rss_bytes": 1234})
    m.stop_after_publishes = 12
    start = time.monotonic()
    m.start()
    m.thread.join(10)
    elapsed = time.monotonic() - start
    assert m.outcome == "stopped", f"outcome {m.outcome!r}, logs {m.logs}"
    topics = [t for t, _, _, _ in m.published]
    assert topics == ["telemetry/uptime", "telemetry/clock", "telemetry/counter",
                      "telemetry/load"] * 3, topics
    events = [json.loads(p) for _, p, _, _ in m.published]
    for i, e in enumerate(events):
        assert e["seq"] == i // 4 + 1 and e["device"] == "edge", e
        assert abs(e["ts_ms"] / 1000 - time.time()) < 60, e
    uptimes = [e["uptime_ms"] for e in events if e["kind"] == "uptime"]
    assert all(abs(u - 200 * (k + 1)) < 150 for k, u in enumerate(uptimes)), uptimes
    clock = events[1]
    assert clock["realtime"].endswith("Z") and len(clock["realtime"]) == 24, clock
    assert time.strftime("%Y-%m-%dT", time.gmtime(clock["unix_ms"] / 1000)) in clock["realtime"]
    counter = events[2]
    assert counter["published"] == 2 and counter["bus_published"] == 2, counter
    load = events[3]
    assert isinstance(load["load1"], float) and load["rss_bytes"] == 1234, load
    assert 0.5 < elapsed < 3.0, elapsed


def test_telemetry_config_and_missing_metrics():
    """kinds/topic_prefix/qos/retain config; metrics the host lacks are null."""
    bus = Bus()
    m = GuestModule(ENGINE, bus, "telemetry", wasm("telemetry"),
                    {"interval_ms": 50, "kinds": "counter,bogus", "topic_prefix": "plant/7",
                     "device": "press-1", "qos": 1, "retain": 1},
                    metrics={"bus.published": None})  # None: the host lacks it
    m.stop_after_publishes = 2
    m.start()
    m.thread.join(10)
    assert m.outcome == "stopped", m.outcome
    assert [(t, q, r) for t, _, q, r in m.published] == [("plant/7/counter", 1, True)] * 2
    e = json.loads(m.published[1][1])
    assert e["kind"] == "counter" and e["device"] == "press-1" and e["published"] == 1, e
    assert e["bus_published"] is None and e["bus_delivered"] == 0, e
    assert any("unknown telemetry kind 'bogus'" in text for _, text in m.logs), m.logs


def test_bus_delivery_reentrant():
    """telemetry → bus → gateway via cabi_realloc and guest.on-message inside poll_oneoff."""
    with System(telemetry_config={"interval_ms": 100, "kinds": "uptime"}) as s:
        assert wait_until(lambda: len(s.gateway.posts) >= 3, 5), s.gateway.logs
        url, ctype, body, result = s.posts_json()[0]
        assert url == "http://collector.test/ingest" and ctype == "application/json"
        assert body["topic"] == "telemetry/uptime" and set(body) == {"topic", "payload"}, body
        assert json.loads(body["payload"])["kind"] == "uptime"


def test_mqtt_connect_and_ping():
    with System(with_telemetry=False, with_gateway=False) as s:
        c = RawClient(s.port, "pinger")
        c.send(b"\xC0\x00")
        t, first, body = c.read_packet()
        assert (first, body) == (0xD0, b"")
        c.send(b"\xE0\x00")  # DISCONNECT
        assert c.closed_within(2)


def test_mqtt_bad_protocol_level():
    with System(with_telemetry=False, with_gateway=False) as s:
        c = RawClient(s.port, connect=False)
        c.send(connect_pkt("old", level=3))
        t, first, body = c.read_packet()
        assert first == 0x20 and body == b"\x00\x01", (first, body)  # unacceptable version
        assert c.closed_within(3)
        c = RawClient(s.port, connect=False)
        c.send(connect_pkt("v31", level=3, name="MQIsdp"))
        assert c.read_packet()[2] == b"\x00\x01"


def test_mqtt_pubsub_wildcards_and_qos():
    with System(with_telemetry=False, with_gateway=False) as s:
        sub0 = RawClient(s.port, "sub0")
        assert sub0.subscribe("home/+/temp", 0) == b"\x00"
        sub1 = RawClient(s.port, "sub1")
        assert sub1.subscribe("home/#", 2) == b"\x01"  # QoS 2 granted as 1
        dollar = RawClient(s.port, "dollar")
        assert dollar.subscribe("#", 0) == b"\x00"
        assert dollar.subscribe("a+", 0, pid=2) == b"\x80"  # invalid filter refused
        pub = RawClient(s.port, "pub")
        pub.send(publish_pkt("home/kitchen/temp", b"21", qos=1, pid=7))
        t, first, body = pub.read_packet()
        assert (first, body) == (0x40, b"\x00\x07"), (first, body)  # PUBACK
        assert sub0.read_publish()[:3] == ("home/kitchen/temp", b"21", 0)
        topic, payload, qos, retain, pid = sub1.read_publish()
        assert (topic, payload, qos, retain) == ("home/kitchen/temp", b"21", 1, False)
        sub1.send(packet(0x40, struct.pack(">H", pid)))  # PUBACK
        assert dollar.read_publish()[:2] == ("home/kitchen/temp", b"21")
        pub.send(publish_pkt("$SYS/test", b"x"))
        pub.send(publish_pkt("home/door", b"open"))
        assert sub1.read_publish()[:2] == ("home/door", b"open")
        assert dollar.read_publish()[:2] == ("home/door", b"open")  # $SYS/test skipped
        # UNSUBSCRIBE
        sub1.send(packet(0xA2, struct.pack(">H", 9) + enc_str("home/#")))
        assert sub1.read_packet()[1:] == (0xB0, b"\x00\x09")
        pub.send(publish_pkt("home/x", b"1"))
        assert dollar.read_publish()[:2] == ("home/x", b"1")
        try:
            sub1.read_publish(timeout=0.5)
            raise AssertionError("delivered after UNSUBSCRIBE")
        except socket.timeout:
            pass


def test_mqtt_malformed_closes_only_that_client():
    with System(with_telemetry=False, with_gateway=False) as s:
        good = RawClient(s.port, "good")
        good.subscribe("t")
        for junk in (b"\x00\x00", b"\x30\xFF\xFF\xFF\xFF\x7F", b"\x82\x03\x00\x01\x00",
                     b"GET / HTTP/1.1\r\n\r\n", bytes(range(256))):
            bad = RawClient(s.port, "bad")
            bad.send(junk)
            assert bad.closed_within(3), junk
        # Before CONNECT too.
        raw = RawClient(s.port, connect=False)
        raw.send(subscribe_pkt(1, "x"))
        assert raw.closed_within(3)
        pub = RawClient(s.port, "pub")
        pub.send(publish_pkt("t", b"alive"))
        assert good.read_publish()[:2] == ("t", b"alive")


def test_mqtt_keepalive_timeout():
    with System(with_telemetry=False, with_gateway=False) as s:
        c = RawClient(s.port, "sleepy", keep_alive=1)
        start = time.monotonic()
        assert c.closed_within(4), "not disconnected"
        elapsed = time.monotonic() - start
        assert 1.3 <= elapsed <= 3.5, elapsed  # 1.5 × keep-alive (+ slack for a busy machine)


def test_mqtt_many_clients():
    with System(with_telemetry=False, with_gateway=False) as s:
        clients = [RawClient(s.port, f"c{i}") for i in range(40)]
        for c in clients:
            c.subscribe("fan/out", 1)
        pub = RawClient(s.port, "pub")
        pub.send(publish_pkt("fan/out", b"hello all", qos=1, pid=3))
        for c in clients:
            assert c.read_publish()[:3] == ("fan/out", b"hello all", 1)
        assert s.server.outcome is None


def test_mqtt_client_limit():
    with System(with_telemetry=False, with_gateway=False, server_config={"max_clients": 3}) as s:
        clients = [RawClient(s.port, f"c{i}") for i in range(3)]
        extra = RawClient(s.port, connect=False)
        assert extra.closed_within(3), "4th connection not refused"
        clients[0].close()
        time.sleep(0.3)
        RawClient(s.port, "again")  # a freed slot is reused
        assert any("refusing connection" in t for _, t in s.server.logs), s.server.logs


def test_mqtt_large_payload_and_size_limit():
    with System(with_telemetry=False, with_gateway=False) as s:
        sub = RawClient(s.port, "sub")
        sub.subscribe("big", 1)
        payload = bytes(i % 251 for i in range(200 * 1024))
        pub = RawClient(s.port, "pub")
        pub.send(publish_pkt("big", payload, qos=1, pid=5))
        assert pub.read_packet()[1:] == (0x40, b"\x00\x05")
        topic, got, qos, _, _ = sub.read_publish()
        assert topic == "big" and got == payload and qos == 1
        # Over max_packet (256 KiB by default): that client is closed.
        pub.send(publish_pkt("big", bytes(300 * 1024)))
        assert pub.closed_within(3)


def test_mqtt_retained_raw():
    with System(with_telemetry=False, with_gateway=False) as s:
        pub = RawClient(s.port, "pub")
        pub.send(publish_pkt("cfg/mode", b"eco", retain=True))
        time.sleep(0.2)
        late = RawClient(s.port, "late")
        late.subscribe("cfg/#", 1)
        assert late.read_publish()[:4] == ("cfg/mode", b"eco", 0, True)
        pub.send(publish_pkt("cfg/mode", b"", retain=True))  # clear
        assert late.read_publish()[:4] == ("cfg/mode", b"", 0, False)
        later = RawClient(s.port, "later")
        later.subscribe("cfg/#", 1)
        try:
            later.read_publish(timeout=0.5)
            raise AssertionError("cleared retained message still delivered")
        except socket.timeout:
            pass


def test_mosquitto_telemetry_to_subscriber():
    """The flagship path: telemetry → host bus → server → mosquitto_sub."""
    with System(telemetry_config={"interval_ms": 200}) as s:
        r = mosquitto(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(s.port), "-t", "telemetry/#",
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
    with System(with_telemetry=False) as s:
        sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(s.port), "-t",
                                "sensors/+/temp", "-q", "1", "-C", "1", "-W", "10"],
                               stdout=subprocess.PIPE) if HAVE_MOSQUITTO else None
        time.sleep(0.5)
        r = mosquitto(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(s.port), "-t",
                       "sensors/room1/temp", "-m", 'say "hi"\n\\', "-q", "1"])
        assert r.returncode == 0, r
        out, _ = sub.communicate(timeout=15)
        assert out == b'say "hi"\n\\\n', out
        assert wait_until(lambda: len(s.gateway.posts) >= 1, 5), s.gateway.logs
        _, _, body, result = s.posts_json()[0]
        assert body == {"topic": "sensors/room1/temp", "payload": 'say "hi"\n\\'}, body
        assert result == 200
        # QoS 2 from a real client is accepted (and bridged at QoS 1).
        r = mosquitto(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(s.port), "-t", "q2/t", "-m",
                       "two", "-q", "2"])
        assert r.returncode == 0, r
        assert wait_until(lambda: len(s.gateway.posts) >= 2, 5)
        assert s.posts_json()[1][2] == {"topic": "q2/t", "payload": "two"}


def test_mosquitto_retained():
    with System(with_telemetry=False, with_gateway=False) as s:
        base = ["-h", "127.0.0.1", "-p", str(s.port)]
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
    with System(with_telemetry=False, with_gateway=False) as s:
        base = ["-h", "127.0.0.1", "-p", str(s.port)]
        sub = ["mosquitto_sub", *base, "-c", "-i", "keeper", "-q", "1", "-t", "jobs/#", "-v"]
        r = mosquitto(sub + ["-W", "1"])  # creates the session, then times out
        assert b"jobs" not in r.stdout, r
        r = mosquitto(["mosquitto_pub", *base, "-t", "jobs/7", "-m", "queued", "-q", "1"])
        assert r.returncode == 0, r
        r = mosquitto(sub + ["-C", "1", "-W", "5"])
        assert r.stdout == b"jobs/7 queued\n", r


def test_mosquitto_bad_protocol_version():
    with System(with_telemetry=False, with_gateway=False) as s:
        r = mosquitto(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(s.port), "-V", "mqttv31",
                       "-t", "x", "-m", "y"])
        assert r.returncode != 0, r
        assert b"protocol version" in r.stderr.lower() or b"refused" in r.stderr.lower(), r


def test_gateway_base64_for_binary_payload():
    with System(with_telemetry=False) as s:
        pub = RawClient(s.port, "bin")
        pub.send(publish_pkt("raw/bytes", b"\xff\x00\xfe"))
        assert wait_until(lambda: s.gateway.posts, 5)
        _, _, body, _ = s.posts_json()[0]
        assert body == {"topic": "raw/bytes", "payload": "/wD+", "encoding": "base64"}, body


def test_gateway_retries_with_backoff():
    attempts = []

    def http(url, ctype, body, timeout):
        attempts.append(time.monotonic())
        return 503 if len(attempts) <= 2 else 200

    with System(with_telemetry=False, http=http,
                gateway_config={"retry_initial_ms": 200, "retry_max_ms": 2000}) as s:
        RawClient(s.port, "p").send(publish_pkt("retry/me", b"1"))
        assert wait_until(lambda: len(attempts) >= 3, 5), s.gateway.logs
        gaps = [b - a for a, b in zip(attempts, attempts[1:])]
        assert 0.18 <= gaps[0] < 1.0 and 0.38 <= gaps[1] < 1.5, gaps  # 200 ms, then 400 ms
        assert gaps[1] > gaps[0], gaps
        time.sleep(0.3)
        assert len(attempts) == 3
        assert sum("retrying in" in t for _, t in s.gateway.logs) == 2, s.gateway.logs


def test_gateway_denied_is_counted_not_retried():
    def http(url, ctype, body, timeout):
        return -1 if b"deny/" in body else 200

    with System(with_telemetry=False, http=http) as s:
        p = RawClient(s.port, "p")
        p.send(publish_pkt("deny/a", b"1"))
        p.send(publish_pkt("ok/b", b"2"))
        assert wait_until(lambda: len(s.gateway.posts) >= 2, 5)
        time.sleep(0.5)
        results = [(json.loads(b)["topic"], r) for _, _, _, b, r in s.gateway.posts]
        assert results == [("deny/a", -1), ("ok/b", 200)], results
        assert any("denied by host policy" in t and "deny/a" in t for _, t in s.gateway.logs), \
            s.gateway.logs


def test_gateway_gives_up_and_queue_overflow_are_logged():
    def http(url, ctype, body, timeout):
        return -2  # connect failure, always

    with System(with_telemetry=False, http=http,
                gateway_config={"max_attempts": 2, "queue_max": 3, "retry_initial_ms": 300,
                                "retry_max_ms": 300}) as s:
        p = RawClient(s.port, "p")
        for i in range(6):
            p.send(publish_pkt(f"burst/{i}", b"x"))
        assert wait_until(lambda: any("too many failed attempts" in t or "giving up" in t
                                      for _, t in s.gateway.logs), 5), s.gateway.logs
        assert wait_until(lambda: any("queue full" in t for _, t in s.gateway.logs), 5), \
            s.gateway.logs


def test_gateway_without_endpoint_says_so():
    with System(with_telemetry=False, gateway_config={"endpoint": ""}) as s:
        assert any(level == 3 and "no endpoint" in t for level, t in s.gateway.logs)
        assert s.gateway.filters == []


# ---- runner ------------------------------------------------------------------

def main():
    missing = [n for n in ("server", "telemetry", "gateway") if not os.path.exists(wasm(n))]
    if missing:
        print(f"missing {missing}: run modules/build.sh first", file=sys.stderr)
        return 2
    only = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "-k" else None
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
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
