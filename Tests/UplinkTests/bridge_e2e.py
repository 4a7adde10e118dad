#!/usr/bin/env python3
"""End-to-end tests of the upstream bridge and the durable queue: the real edge
host, a real mosquitto started here as the upstream "cluster", paho-mqtt and
mosquitto clients, a local HTTP receiver; everything on 127.0.0.1.

Usage: bridge_e2e.py EDGE_HOST_BINARY
Prints one line per check and "N passed, M failed"; exits non-zero on failure.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import paho.mqtt.client as mqtt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Support"))
from testlib import (HOST, EdgeHost, Mosquitto, Receiver, check, finish, free_port, sub_one,  # noqa: E402
                     wait_for, wait_port)

WORK = tempfile.mkdtemp(prefix="bridge-e2e-")


def upstream_broker():
    """mosquitto as the cluster, with persistence so its sessions survive a restart."""
    directory = tempfile.mkdtemp(dir=WORK, prefix="mosquitto-")
    return Mosquitto(WORK, f"persistence true\npersistence_location {directory}/\n"
                           "max_queued_messages 100000\nmax_inflight_messages 100\n", log=True)


def bridge_host(binary, upstream_port, topics, state_dir=None, extra=(), client_id="edge-test"):
    """The edge host bridging `topics` to the upstream (a port, or a URL)."""
    port = free_port()
    upstream = upstream_port if isinstance(upstream_port, str) else f"mqtt://{HOST}:{upstream_port}"
    command = [binary, "--server-socket-address", f"{HOST}:{port}",
               "--upstream", upstream, "--upstream-client-id", client_id,
               "--set", "telemetry.interval_ms=3600000", *extra]
    for topic in topics:
        command += ["--upstream-topic", topic]
    if state_dir:
        command += ["--state-dir", state_dir]
    edge = EdgeHost(command, port, f"{WORK}/edge-host-{port}.log")
    if not edge.started:
        raise RuntimeError("edge host did not start listening")
    return edge


class Collector:
    """A paho subscriber counting what arrives (persistent session: it survives restarts)."""

    def __init__(self, port, topic, client_id=None, clean=True, qos=1):
        self.messages = []
        self.lock = threading.Lock()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or "",
                                  clean_session=clean)
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(topic, qos)
        self.client.on_subscribe = lambda *a: self.subscribed.set()
        self.client.on_message = self._message
        self.client.connect(HOST, port, keepalive=30)
        self.client.loop_start()
        self.subscribed.wait(5)

    def _message(self, client, userdata, message):
        with self.lock:
            self.messages.append((message.topic, message.payload.decode(errors="replace"), message.retain))

    def payloads(self, prefix=""):
        with self.lock:
            return [p for t, p, r in self.messages if t.startswith(prefix)]

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


class Publisher:
    """A paho QoS 1 publisher that records which messages were acknowledged (PUBACK)."""

    def __init__(self, port):
        self.acked_mids = set()
        self.mids = {}
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.max_inflight_messages_set(50)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = lambda c, u, mid, reason, props: self.acked_mids.add(mid)
        self.client.connect(HOST, port)
        self.client.loop_start()

    def publish(self, topic, payload, qos=1):
        info = self.client.publish(topic, payload, qos)
        self.mids[info.mid] = payload  # fewer than 65,536 per test: a mid is never reused
        return info

    @property
    def acked(self):
        return {self.mids[m] for m in list(self.acked_mids) if m in self.mids}

    def acked_count(self):
        return len(self.acked)

    def close(self):
        self.client.loop_stop()
        try:
            self.client.disconnect()
        except Exception:
            pass


def test_both_ways(binary, upstream):
    receiver = Receiver()
    edge = bridge_host(binary, upstream.port, ["site/# out 1", "cmd/# in 1", "shared/# both 1"],
                    extra=["--gateway-endpoint", receiver.url,
                           "--gateway-allowed-host", receiver.allowed,
                           "--set", "gateway.topic_filter=cmd/#"])
    try:
        check("state topic is retained \"1\" upstream while connected",
              wait_for(lambda: sub_one(upstream.port, "$SYS/broker/connection/edge-test/state", 2) == "1", 5))
        up = Collector(upstream.port, "#")
        local = Collector(edge.port, "#")
        pub = Publisher(edge.port)
        for i in range(20):
            pub.publish("site/temp", f"edge-{i}")
        check("edge -> upstream: 20 QoS 1 messages arrive in order",
              wait_for(lambda: up.payloads("site/") == [f"edge-{i}" for i in range(20)], 5),
              up.payloads("site/"))
        check("edge -> upstream: PUBACKs for all 20", wait_for(lambda: pub.acked_count() == 20, 5))
        upstream_pub = Publisher(upstream.port)
        for i in range(10):
            upstream_pub.publish("cmd/door", f"up-{i}")
        check("upstream -> local MQTT subscriber",
              wait_for(lambda: local.payloads("cmd/") == [f"up-{i}" for i in range(10)], 5), local.payloads("cmd/"))
        check("upstream -> module (gateway POSTs them)",
              wait_for(lambda: [e["payload"] for e in receiver.events] == [f"up-{i}" for i in range(10)], 5),
              receiver.events)
        # Unbridged topics stay where they are.
        pub.publish("private/x", "local-only")
        upstream_pub.publish("site/from-cloud", "not-in")
        time.sleep(0.7)
        check("a local topic without an out filter stays local", "local-only" not in up.payloads())
        check("an upstream topic without an in filter stays upstream", "not-in" not in local.payloads("site/"))
        # Loop prevention on a `both` topic: once each way, never back.
        pub.publish("shared/a", "from-edge")
        upstream_pub.publish("shared/b", "from-cloud")
        time.sleep(1.0)
        check("both: a local message reaches upstream once", up.payloads("shared/").count("from-edge") == 1,
              up.payloads("shared/"))
        check("both: it does not come back to the edge", local.payloads("shared/").count("from-edge") == 1,
              local.payloads("shared/"))
        check("both: an upstream message reaches the edge once", local.payloads("shared/").count("from-cloud") == 1,
              local.payloads("shared/"))
        check("both: it is not sent back upstream", up.payloads("shared/").count("from-cloud") == 1,
              up.payloads("shared/"))
        for c in (up, local, pub, upstream_pub):
            c.close()
    finally:
        edge.stop()
    check("state topic is \"0\" after the host stops",
          sub_one(upstream.port, "$SYS/broker/connection/edge-test/state", 2) == "0")
    receiver.close()


def test_outage(binary, upstream):
    state = tempfile.mkdtemp(dir=WORK, prefix="state-")
    edge = bridge_host(binary, upstream.port, ["out/# out 1"], state_dir=state, client_id="edge-outage")
    up = Collector(upstream.port, "out/#", client_id="cloud-reader", clean=False)
    try:
        pub = Publisher(edge.port)
        pub.publish("out/warmup", "warmup")
        wait_for(lambda: "warmup" in up.payloads(), 5)
        upstream.stop()
        stopped = time.monotonic()
        for i in range(1000):
            pub.publish("out/n", str(i))
        acked = wait_for(lambda: pub.acked_count() == 1001, 10)
        check("upstream down: the edge acknowledges 1,000 QoS 1 messages", acked, pub.acked_count())
        time.sleep(max(0, 10 - (time.monotonic() - stopped)))
        upstream.start()
        got = lambda: {int(p) for p in up.payloads("out/n")}
        complete = wait_for(lambda: len(got()) == 1000, 40)
        payloads = [int(p) for p in up.payloads("out/n")]
        repeats = len(payloads) - len(set(payloads))
        check("upstream back after 10 s: all 1,000 arrive", complete, f"{len(got())} of 1000")
        first = [p for i, p in enumerate(payloads) if p not in payloads[:i]]
        check("and in order", first == sorted(first))
        print(f"figure: outage of 10 s, 1,000 QoS 1 messages: {len(set(payloads))} arrived, "
              f"{repeats} delivered twice or more", flush=True)
        pub.close()
    finally:
        up.close()
        edge.stop()


def test_sigkill(binary, upstream):
    state = tempfile.mkdtemp(dir=WORK, prefix="state-")
    up = Collector(upstream.port, "kill/#", client_id="kill-reader", clean=False)
    edge = bridge_host(binary, upstream.port, ["kill/# out 1"], state_dir=state, client_id="edge-kill")
    pub = Publisher(edge.port)
    sent = 0
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        pub.publish("kill/n", str(sent))
        sent += 1
        if sent % 50 == 0:
            time.sleep(0.005)
    edge.stop(signal.SIGKILL)
    time.sleep(0.3)
    pub.close()
    acked = {int(p) for p in pub.acked}
    check("SIGKILL mid-stream: some messages were acknowledged before it", len(acked) > 100, len(acked))
    edge.start()
    arrived = lambda: {int(p) for p in up.payloads("kill/")}
    wait_for(lambda: acked <= arrived(), 20)
    missing = acked - arrived()
    check("after restart with the same --state-dir nothing acknowledged is missing upstream",
          not missing, f"{len(missing)} missing, e.g. {sorted(missing)[:10]}")
    payloads = up.payloads("kill/")
    print(f"figure: SIGKILL after {sent} published, {len(acked)} acknowledged: {len(arrived())} arrived upstream, "
          f"{len(payloads) - len(set(payloads))} delivered again", flush=True)
    up.close()
    edge.stop()


def test_gateway_durable(binary, upstream):
    """The endpoint fails while messages are acknowledged, the host is killed, and the
    restarted host delivers every acknowledged message, each with a stable idempotency key."""
    state = tempfile.mkdtemp(dir=WORK, prefix="state-")
    receiver = Receiver()
    receiver.failing = True
    gateway = ["--gateway-endpoint", receiver.url,
               "--gateway-allowed-host", receiver.allowed, "--set", "gateway.topic_filter=dev/#",
               "--set", "gateway.retry_initial_ms=50", "--set", "gateway.retry_max_ms=200",
               "--set", "gateway.max_attempts=0"]
    edge = bridge_host(binary, upstream.port, ["nothing/# out 1"], state_dir=state, extra=gateway,
                    client_id="edge-gateway")
    # The very first start: publish once the gateway has subscribed (later starts restore its
    # subscriptions from the state directory before any module runs).
    wait_for(lambda: "forwarding dev/#" in edge.text(), 10)
    pub = Publisher(edge.port)
    for i in range(300):
        pub.publish("dev/reading", f"g-{i}")
    wait_for(lambda: pub.acked_count() == 300, 10)
    check("endpoint failing: the edge still acknowledges 300 QoS 1 messages", pub.acked_count() == 300,
          pub.acked_count())
    time.sleep(0.3)
    edge.stop(signal.SIGKILL)
    pub.close()
    receiver.failing = False
    edge.start()
    # Published right after the restart, before the gateway module has run: still delivered.
    late = Publisher(edge.port)
    late.publish("dev/reading", "g-300")
    late.close()
    want = {f"g-{i}" for i in range(301)}
    complete = wait_for(lambda: want <= set(receiver.payloads()), 20)
    got = receiver.payloads()
    check("after SIGKILL and restart, every acknowledged message reaches the HTTP endpoint", complete,
          f"{len(want & set(got))} of 301")
    firsts = [p for i, p in enumerate(got) if p not in got[:i]]
    check("in order, with one published just after the restart last", firsts == [f"g-{i}" for i in range(301)])
    keys = {}
    for payload, key in zip(got, receiver.keys):
        keys.setdefault(payload, set()).add(key)
    check("each POST carries an Idempotency-Key", all(k for k in receiver.keys))
    check("one key per message, the same on a replay", all(len(k) == 1 for k in keys.values())
          and len({next(iter(k)) for k in keys.values()}) == len(keys))
    print(f"figure: gateway, endpoint down then SIGKILL: {len(set(got))} of 301 delivered, "
          f"{len(got) - len(set(got))} delivered again", flush=True)
    edge.stop()
    receiver.close()


def make_ca(directory, name):
    """A CA and a server certificate for 127.0.0.1 signed by it (openssl CLI)."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    ca_key, ca, key, csr, cert = (f"{directory}/{name}-{x}" for x in ("ca.key", "ca.pem", "server.key",
                                                                      "server.csr", "server.pem"))
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", f"/CN={name} test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    with open(f"{directory}/{name}-ext.cnf", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
        "-extfile", f"{directory}/{name}-ext.cnf")
    return ca, cert, key


def test_tls(binary):
    """mqtts:// to a mosquitto TLS listener: works with the right CA, refused with another."""
    directory = tempfile.mkdtemp(dir=WORK, prefix="tls-")
    ca, cert, key = make_ca(directory, "good")
    other_ca, _, _ = make_ca(directory, "other")
    plain, tls = free_port(), free_port()
    with open(f"{directory}/mosquitto.conf", "w") as f:
        f.write(f"user root\nper_listener_settings false\nallow_anonymous true\nlistener {plain} {HOST}\n"
                f"listener {tls} {HOST}\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n")
    broker = subprocess.Popen(["mosquitto", "-c", f"{directory}/mosquitto.conf"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(tls)
    up = Collector(plain, "tls/#")
    try:
        good = bridge_host(binary, f"mqtts://{HOST}:{tls}", ["tls/# out 1"], client_id="edge-tls",
                        extra=["--upstream-ca-file", ca])
        try:
            pub = Publisher(good.port)
            pub.publish("tls/x", "secret")
            check("mqtts:// with --upstream-ca-file: the message arrives upstream",
                  wait_for(lambda: up.payloads("tls/") == ["secret"], 10), up.payloads("tls/"))
            pub.close()
        finally:
            good.stop()
        bad = bridge_host(binary, f"mqtts://{HOST}:{tls}", ["tls/# out 1"], client_id="edge-tls-bad",
                       extra=["--upstream-ca-file", other_ca])
        try:
            pub = Publisher(bad.port)
            pub.publish("tls/y", "must-not-pass")
            time.sleep(2)
            check("a certificate from another CA is refused", "must-not-pass" not in up.payloads("tls/"))
            check("and the refusal is logged", "certificate" in bad.text(), bad.text()[-400:])
            pub.close()
        finally:
            bad.stop()
    finally:
        up.close()
        broker.terminate()
        broker.wait(timeout=10)


class FakeUpstream:
    """A broker that misbehaves: CONNACK, then (1) a malformed packet, (2) half a PUBLISH and
    a close, then (3+) nothing bad."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((HOST, 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.keep = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            n = self.connections
            try:
                conn.recv(4096)  # CONNECT
                conn.sendall(b"\x20\x02\x00\x00")
                time.sleep(0.2)
                if n == 1:
                    conn.sendall(b"\xf0\x00")  # reserved packet type
                    time.sleep(0.5)
                    conn.close()
                elif n == 2:
                    conn.sendall(b"\x30\x20\x00\x05cmd/x")  # 32-byte PUBLISH cut short
                    conn.close()
                else:
                    self.keep.append(conn)
            except OSError:
                pass


def local_round_trip(port, n):
    out = subprocess.Popen(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", "local/rt", "-C", "1", "-W", "5"],
                           stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-t", "local/rt", "-m", f"rt-{n}", "-q", "1"])
    return out.communicate(timeout=10)[0].strip() == f"rt-{n}"


def test_bad_upstream(binary):
    fake = FakeUpstream()
    edge = bridge_host(binary, fake.port, ["cmd/# in 1"], client_id="edge-fake")
    try:
        local = Collector(edge.port, "local/#")
        check("local clients work while the upstream misbehaves", local_round_trip(edge.port, 1))
        check("the bridge reconnects after a malformed packet and a cut-off one",
              wait_for(lambda: fake.connections >= 3, 10), fake.connections)
        check("a subscriber connected throughout is still served", local_round_trip(edge.port, 2)
              and "rt-2" in local.payloads())
        check("the host is still running", edge.alive())
        log = edge.text()
        check("the malformed packet is logged", "malformed packet" in log or "unexpected packet" in log)
        check("the cut-off packet is logged", "closed in the middle of a packet" in log)
        local.close()
    finally:
        edge.stop()
        fake.listener.close()


def main():
    binary = sys.argv[1]
    upstream = upstream_broker()
    try:
        test_both_ways(binary, upstream)
        test_outage(binary, upstream)
        test_sigkill(binary, upstream)
        test_gateway_durable(binary, upstream)
        test_tls(binary)
        test_bad_upstream(binary)
    finally:
        upstream.stop()
        status = finish()
        if status == 0:
            shutil.rmtree(WORK, ignore_errors=True)
        else:
            print(f"logs kept in {WORK}")
    sys.exit(status)


if __name__ == "__main__":
    main()
