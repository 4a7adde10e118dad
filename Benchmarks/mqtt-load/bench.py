#!/usr/bin/env python3
"""Load figures for the edge host's MQTT broker and upstream bridge, side by side
with a native mosquitto on the same machine, the same clients and message sizes.
A benchmark, not a test: it prints figures and ratios.

Usage: bench.py EDGE_HOST_BINARY [--connections N] [--messages N] [--size BYTES]

  connections  N clients connect (CONNECT/CONNACK) and stay; then every one of
               them must answer a PINGREQ: the number held is printed.
  broker       mosquitto_pub -l (one C client) → broker → mosquitto_sub -C N,
               QoS 0 and QoS 1: messages per second end to end.
  bridge       publish at the edge → bridge → upstream mosquitto → subscriber,
               against a mosquitto bridging to the same upstream
               (`connection`/`topic` in mosquitto.conf), QoS 1.
Everything runs on 127.0.0.1; both brokers get the same client processes.
"""
import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "Tests", "Support"))
from testlib import HOST, PINGREQ, PINGRESP, EdgeHost, Mosquitto, connect_packet, flagship_command, free_port  # noqa: E402

WORK = tempfile.mkdtemp(prefix="mqtt-load-")


def mosquitto(extra=""):
    return Mosquitto(WORK, "persistence false\nmax_queued_messages 100000\nmax_inflight_messages 32\n"
                           f"max_connections -1\n{extra}")


def edge_host(binary, extra=()):
    port = free_port()
    host = EdgeHost(flagship_command(binary, port, settings=[
        "telemetry.interval_ms=3600000", "server.max_clients=4096", "server.max_inflight=32",
        "server.max_queued=100000"], extra=["--log-level", "warn", *extra]), port, f"{WORK}/edge-{port}.log")
    if not host.started:
        raise RuntimeError("edge host did not start")
    return host


def hold_connections(port, count):
    """Connect `count` clients, then check each one answers a PINGREQ. Returns (held, seconds)."""
    sockets = []
    started = time.monotonic()
    for i in range(count):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(connect_packet(f"load-{i}"))
            sockets.append(s)
        except OSError:
            break
    connacked = []
    for s in sockets:
        try:
            if s.recv(4) == b"\x20\x02\x00\x00":
                connacked.append(s)
        except OSError:
            pass
    seconds = time.monotonic() - started
    for s in connacked:
        try:
            s.sendall(PINGREQ)
        except OSError:
            pass
    alive = 0
    for s in connacked:
        try:
            s.settimeout(5)
            if s.recv(2) == PINGRESP:
                alive += 1
        except OSError:
            pass
    for s in sockets:
        s.close()
    return alive, seconds


def through(pub_port, sub_port, messages, size, qos, topic="bench/t"):
    """messages/s from one mosquitto_pub to one mosquitto_sub through the broker(s)."""
    payload_file = f"{WORK}/payload-{size}-{messages}"
    if not os.path.exists(payload_file):
        line = ("x" * (size - 1)) + "\n"
        with open(payload_file, "w") as f:
            f.write(line * messages)
    sub = subprocess.Popen(["mosquitto_sub", "-h", HOST, "-p", str(sub_port), "-t", topic, "-q", str(qos),
                            "-C", str(messages), "-W", "60"], stdout=subprocess.PIPE)
    time.sleep(0.5)
    started = time.monotonic()
    with open(payload_file) as f:
        subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(pub_port), "-t", topic, "-q", str(qos), "-l",
                        "-M", "100"], stdin=f)
    received = sub.stdout.read().count(b"\n")
    sub.wait()
    elapsed = time.monotonic() - started
    if received < messages:
        print(f"  ({received} of {messages} arrived within the time limit)", flush=True)
        return 0.0
    return messages / elapsed


def line(name, edge, native, unit):
    ratio = f"{edge / native:.2f}" if native else "-"
    print(f"{name:<44} {edge:>12,.0f} {native:>12,.0f} {ratio:>7}  {unit}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=50000)
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 3 * args.connections + 100)), hard))

    print(f"{'figure':<44} {'edge host':>12} {'mosquitto':>12} {'ratio':>7}", flush=True)
    edge = edge_host(args.binary)
    native = mosquitto()
    edge_port, native_port = edge.port, native.port
    try:
        held_edge, t_edge = hold_connections(edge_port, args.connections)
        held_native, t_native = hold_connections(native_port, args.connections)
        line(f"connections held (of {args.connections})", held_edge, held_native, "clients")
        line("  connect rate", held_edge / t_edge, held_native / t_native, "CONNACKs/s")
        for qos in (0, 1):
            e = through(edge_port, edge_port, args.messages, args.size, qos)
            n = through(native_port, native_port, args.messages, args.size, qos)
            line(f"broker, QoS {qos}, {args.size}-byte payloads", e, n, "msg/s")
    finally:
        edge.stop()
        native.stop()

    upstream = mosquitto()
    upstream_port = upstream.port
    state = tempfile.mkdtemp(dir=WORK)
    edge = edge_host(args.binary, ["--upstream", f"mqtt://{HOST}:{upstream_port}",
                                   "--upstream-topic", "bench/# out 1", "--state-dir", state])
    native = mosquitto(
        f"connection bench-bridge\naddress {HOST}:{upstream_port}\ntopic bench/# out 1\n"
        "cleansession false\n")
    edge_port, native_port = edge.port, native.port
    try:
        time.sleep(1.5)  # both bridges connect
        e = through(edge_port, upstream_port, args.messages, args.size, 1)
        n = through(native_port, upstream_port, args.messages, args.size, 1)
        line(f"bridge to upstream, QoS 1, {args.size}-byte", e, n, "msg/s")
        print("  (edge host: every QoS 1 message fsync'd to --state-dir before its PUBACK;"
              " mosquitto: in memory)", flush=True)
    finally:
        edge.stop()
        native.stop()
        upstream.stop()
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
