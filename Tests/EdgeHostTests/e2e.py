#!/usr/bin/env python3
"""End-to-end test of the edge host: the real binary, a local HTTP receiver and
real MQTT clients (mosquitto_pub / mosquitto_sub), all on 127.0.0.1.

Usage: e2e.py EDGE_HOST_BINARY   (built from modules/*.wasm plus faulty.wasm)
Prints one line per check and "N passed, M failed"; exits non-zero on failure.
Also prints the measured figures (throughput, latency) prefixed "figure:".
"""
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Support"))
from testlib import (HOST, PINGREQ, PINGRESP, EdgeHost, Receiver, check, finish, flagship_command,  # noqa: E402
                     free_port, mqtt_connect)


def edge_host(binary, mqtt_port, endpoint, allowed):
    command = flagship_command(binary, mqtt_port, endpoint, allowed, [
        "telemetry.interval_ms=200",
        # The burst below is 400 messages: room for all of them, so a slow (loaded) machine
        # delays them instead of dropping the oldest (queue overflow has its own test).
        "gateway.queue_max=1024"])
    host = EdgeHost(command, mqtt_port, f"/tmp/edge-host-e2e-{os.getpid()}-{mqtt_port}.log")
    if not host.started:
        raise RuntimeError("edge host did not start listening")
    return host


def granted_host(binary, mqtt_port, grants):
    """The edge host given its capabilities by module name (--listen, --http-endpoint, ...)."""
    command = [binary, *grants, "--set", "telemetry.interval_ms=200", "--set", "gateway.queue_max=1024"]
    host = EdgeHost(command, mqtt_port, f"/tmp/edge-host-e2e-{os.getpid()}-{mqtt_port}.log")
    if not host.started:
        raise RuntimeError("edge host did not start listening")
    return host


def main():
    binary = sys.argv[1]
    receiver = Receiver()
    endpoint = receiver.url
    port = free_port()
    host = edge_host(binary, port, endpoint, receiver.allowed)
    try:
        # 1. Telemetry reaches a real MQTT subscriber through the server module.
        sub = subprocess.run(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", "telemetry/#", "-C", "3", "-W", "10"],
                             capture_output=True, text=True)
        lines = sub.stdout.strip().splitlines()
        check("mosquitto_sub receives telemetry", len(lines) == 3 and all(l.startswith("{") for l in lines),
              sub.stdout + sub.stderr)

        # 2. Messages a client publishes reach the receiver exactly once and in order per topic.
        count = 200
        sent_at = {}
        for topic in ("e2e/a", "e2e/b"):
            messages = "\n".join(f"{topic}-{i}" for i in range(count)) + "\n"
            t0 = time.monotonic()
            subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-t", topic, "-q", "1", "-l"],
                           input=messages, text=True, check=True)
            sent_at[topic] = t0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(receiver.received("e2e/")) < 2 * count:
            time.sleep(0.05)
        for topic in ("e2e/a", "e2e/b"):
            got = [e["payload"] for _, e in receiver.received(topic)]
            check(f"{topic}: {count} messages arrive exactly once, in order",
                  got == [f"{topic}-{i}" for i in range(count)], f"got {len(got)}: {got[:3]}...")
        events = receiver.received("e2e/")
        if events:
            span = max(t for t, _ in events) - min(sent_at.values())
            print(f"figure: {len(events)} messages client -> server -> bus -> gateway -> HTTP in {span:.2f} s "
                  f"({len(events) / span:.0f} msg/s, QoS 1, one HTTP POST each)")

        # 3. Latency from publish to POST, one message at a time.
        latencies = []
        for i in range(20):
            before = len(receiver.received("e2e/latency"))
            t0 = time.monotonic()
            subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-t", "e2e/latency", "-m", str(i)], check=True)
            while len(receiver.received("e2e/latency")) == before and time.monotonic() - t0 < 5:
                time.sleep(0.001)
            arrived = receiver.received("e2e/latency")
            if len(arrived) > before:
                latencies.append(arrived[-1][0] - t0)
        check("publish-to-POST latency measured for 20 messages", len(latencies) == 20)
        if latencies:
            print(f"figure: publish -> POST latency median {statistics.median(latencies) * 1000:.1f} ms, "
                  f"max {max(latencies) * 1000:.1f} ms (includes starting mosquitto_pub)")

        # 4. Fifty clients at once.
        clients = [mqtt_connect(port, f"e2e-{i}") for i in range(50)]
        check("50 concurrent MQTT clients are served", all(clients), f"{sum(1 for c in clients if c)} connected")
        for c in clients:
            if c:
                c.send(PINGREQ)
        pongs = 0
        for c in clients:
            if c:
                try:
                    pongs += c.sock.recv(2) == PINGRESP
                except OSError:
                    pass
                c.close()
        check("50 concurrent clients get PINGRESP", pongs == 50, f"{pongs} answered")

        # 5. A malformed packet closes that client only.
        bad = socket.create_connection((HOST, port), timeout=5)
        bad.sendall(b"\xff\xff\xff\xff\xff")
        try:
            closed = bad.recv(16) == b""
        except OSError:
            closed = True
        check("a malformed packet closes that client", closed)
        again = subprocess.run(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", "telemetry/#", "-C", "1", "-W", "10"],
                               capture_output=True, text=True)
        check("the server keeps serving after a malformed client", again.returncode == 0 and again.stdout.strip() != "")

        # 6. The trapping module is reported and restarted, the others unaffected.
        log = host.text()
        check("a trapping module is reported with its trap and restarted",
              "module=faulty" in log and "unreachable" in log and "restarting in" in log and log.count("faulty module starting") >= 2,
              log[-500:])
    finally:
        code, seconds = host.stop()
    log = host.text()
    check("SIGTERM shuts down cleanly within 5 s", code == 0 and seconds < 5, f"exit {code} after {seconds:.1f} s")
    check("shutdown reports the bus totals", "stopped: published" in log)

    # 7. A destination the host does not allow is refused, with a log line, and nothing is sent.
    other = Receiver()
    port2 = free_port()
    host2 = edge_host(binary, port2, other.url, receiver.allowed)
    try:
        subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port2), "-t", "e2e/denied", "-m", "x"], check=True)
        time.sleep(1.0)
        log2 = host2.text()
        check("a disallowed endpoint is refused and logged",
              "is not an allowed host" in log2 and not other.payloads("e2e/denied"), log2[-400:])
    finally:
        host2.stop()

    # 8. The same grants by module name: --listen, --http-endpoint, --allow-http.
    port3 = free_port()
    endpoint3 = f"http://{HOST}:{receiver.port}/events"
    host3 = granted_host(binary, port3, [
        "--listen", f"server={HOST}:{port3}", "--http-endpoint", f"gateway={endpoint3}",
        "--allow-http", f"gateway={HOST}:{receiver.port}"])
    try:
        subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port3), "-t", "e2e/granted", "-m", "g", "-q", "1"], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not receiver.payloads("e2e/granted"):
            time.sleep(0.05)
        check("--listen, --http-endpoint and --allow-http grant what the flagship's flags do",
              receiver.payloads("e2e/granted") == ["g"], host3.text()[-400:])
    finally:
        host3.stop()

    # 9. HTTP granted to another module is no grant to the gateway.
    port4 = free_port()
    host4 = granted_host(binary, port4, [
        "--listen", f"server={HOST}:{port4}", "--http-endpoint", f"gateway={endpoint3}",
        "--allow-http", f"telemetry={HOST}:{receiver.port}"])
    try:
        subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port4), "-t", "e2e/elsewhere", "-m", "x"], check=True)
        time.sleep(1.0)
        log4 = host4.text()
        check("a destination granted to another module is refused to the gateway",
              "module=gateway http: refused" in log4 and not receiver.payloads("e2e/elsewhere"), log4[-400:])
    finally:
        host4.stop()

    # 10. A grant to a module the program does not contain stops the host before it starts.
    wrong = subprocess.run([binary, "--listen", f"sever={HOST}:{free_port()}"], capture_output=True, text=True, timeout=10)
    check("a grant to a module the program lacks is an error naming it",
          wrong.returncode == 2 and '"sever"' in wrong.stderr and "its modules: server" in wrong.stderr,
          f"exit {wrong.returncode}: {wrong.stderr[-300:]}")

    sys.exit(finish())


if __name__ == "__main__":
    main()
