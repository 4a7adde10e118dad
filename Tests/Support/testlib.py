"""What the Python test scripts share: counting checks, ports, an HTTP receiver standing
in for the cloud, the edge host and mosquitto as processes, and MQTT clients.

    import sys, os
    sys.path.insert(0, os.path.join(ROOT, "Tests", "Support"))
    from testlib import check, finish, free_port, Receiver, EdgeHost

Every suite prints one line per check ("ok   NAME" or "FAIL NAME: DETAIL") and ends with
"N passed, M failed", the line Tests/run-all.sh adds up. Everything listens on 127.0.0.1.
"""

import http.server
import json
import os
import signal
import socket
import ssl
import struct
import subprocess
import threading
import time

HOST = "127.0.0.1"

# ---- checks ------------------------------------------------------------------

results = []


def check(name, ok, detail=""):
    """One check: a line "ok   NAME", or "FAIL NAME: DETAIL" (the detail only on failure)."""
    results.append(bool(ok))
    suffix = f": {detail}" if detail != "" and detail is not None and not ok else ""
    print(f"{'ok  ' if ok else 'FAIL'} {name}{suffix}", flush=True)
    return bool(ok)


def summary(passed=None, failed=None):
    """The closing line, of this process's checks unless counts are given."""
    if passed is None:
        passed = results.count(True)
        failed = len(results) - passed
    return f"{passed} passed, {failed} failed"


def finish():
    """Prints the closing line; the exit status (0 when every check passed)."""
    print(summary(), flush=True)
    return 0 if all(results) else 1


# ---- ports and waiting -------------------------------------------------------

def free_port():
    """A TCP port nothing listens on now (the caller binds it soon after)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10, host=HOST, alive=None):
    """True once something accepts connections on port (False after timeout, or as
    soon as alive() says the process meant to listen has gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return False
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_for(predicate, timeout, step=0.05):
    """Polls predicate until it is true or timeout seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# ---- the HTTP receiver (the cloud) -------------------------------------------

class Request:
    """One POST the receiver answered: arrival time, headers, body, the JSON event, status."""

    def __init__(self, time_, headers, body, status):
        self.time, self.headers, self.body, self.status = time_, headers, body, status
        try:
            self.event = json.loads(body)
        except ValueError:
            self.event = None


class Receiver:
    """The stand-in for the cloud: records every POST. Answers 200, or what
    status(request) returns (503 while `failing` is set). With certificate and key it
    speaks HTTPS."""

    def __init__(self, port=0, status=None, certificate=None, key=None):
        self.requests = []
        self.failing = False
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request(time.monotonic(), dict(self.headers), body, 200)
                if receiver.failing:
                    request.status = 503
                elif status is not None:
                    request.status = status(request)
                with receiver.lock:
                    receiver.requests.append(request)
                self.send_response(request.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a refused TLS handshake is what some tests expect

        self.server = Server((HOST, port), Handler)
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, key)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if certificate else 'http'}://{HOST}:{self.port}/events"
        self.allowed = f"{HOST}:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        """The requests answered with a 2xx status, in arrival order."""
        with self.lock:
            return [r for r in self.requests if 200 <= r.status < 300]

    @property
    def events(self):
        return [r.event for r in self.delivered()]

    @property
    def keys(self):
        return [r.headers.get("Idempotency-Key") for r in self.delivered()]

    def received(self, prefix=""):
        """(arrival time, event) of the delivered events whose topic starts with prefix."""
        return [(r.time, r.event) for r in self.delivered()
                if isinstance(r.event, dict) and r.event.get("topic", "").startswith(prefix)]

    def payloads(self, prefix=""):
        return [e["payload"] for _, e in self.received(prefix)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ---- processes -------------------------------------------------------------

class EdgeHost:
    """The edge host (or any program serving MQTT on `port`) run with `command`, its
    standard output and error in log_path. `started` says whether it came to listen."""

    def __init__(self, command, port, log_path, env=None, timeout=10):
        self.command, self.port, self.log_path, self.env = list(command), port, log_path, env
        self.timeout = timeout
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        self.started = wait_port(self.port, self.timeout, alive=self.alive)
        return self.started

    def alive(self):
        return self.process.poll() is None

    def text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Sends sig and waits; (exit status or None if it had to be killed, seconds)."""
        start = time.monotonic()
        if self.alive():
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        self.log.close()
        return code, time.monotonic() - start


def flagship_command(binary, mqtt_port, endpoint=None, allowed=None, settings=(), extra=()):
    """The edge host's command line with the flagship's flags; settings are MODULE.KEY=VALUE."""
    command = [binary, "--server-socket-address", f"{HOST}:{mqtt_port}"]
    if endpoint is not None:
        command += ["--gateway-endpoint", endpoint]
    if allowed is not None:
        command += ["--gateway-allowed-host", allowed]
    for setting in settings:
        command += ["--set", setting]
    return command + list(extra)


class Mosquitto:
    """A mosquitto broker on a free port, configured in its own directory (under work)."""

    def __init__(self, work, config="", log=False):
        import tempfile
        self.port = free_port()
        self.dir = tempfile.mkdtemp(dir=work, prefix="mosquitto-")
        with open(f"{self.dir}/mosquitto.conf", "w") as f:
            # `user root`: started as root, mosquitto would otherwise switch to a user that
            # cannot reach this private directory (ignored when not root).
            f.write(f"user root\nlistener {self.port} {HOST}\nallow_anonymous true\n{config}")
        self.log_path = f"{self.dir}/mosquitto.log" if log else os.devnull
        self.start()

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(["mosquitto", "-c", f"{self.dir}/mosquitto.conf"],
                                        stdout=log, stderr=subprocess.STDOUT)
        if not wait_port(self.port, alive=lambda: self.process.poll() is None):
            raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def mosquitto_sub(port, topic, count=1, wait=5, extra=()):
    """mosquitto_sub -C count -W wait: its completed process (text output)."""
    return subprocess.run(["mosquitto_sub", "-h", HOST, "-p", str(port), "-t", topic, "-C", str(count),
                           "-W", str(wait), *extra], capture_output=True, text=True)


def sub_one(port, topic, timeout=5):
    """One retained-or-live message with mosquitto_sub; '' when none arrives."""
    return mosquitto_sub(port, topic, 1, timeout).stdout.strip()


def mosquitto_pub(port, topic, message, qos=0, extra=(), check=False):
    """mosquitto_pub -m message: its completed process."""
    return subprocess.run(["mosquitto_pub", "-h", HOST, "-p", str(port), "-t", topic, "-q", str(qos),
                           "-m", message, *extra], capture_output=True, timeout=15, check=check)


# ---- MQTT 3.1.1 packets and a raw client ------------------------------------

def mqtt_string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def mqtt_packet(first, body):
    """A packet: the first byte, the remaining length (variable-length integer), the body."""
    n, length = len(body), b""
    while True:
        byte = n & 0x7F
        n >>= 7
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return bytes([first]) + length + body


def connect_packet(client_id, keep_alive=60, level=4, clean=True, name="MQTT"):
    return mqtt_packet(0x10, mqtt_string(name) + bytes([level, 0x02 if clean else 0]) +
                       struct.pack(">H", keep_alive) + mqtt_string(client_id))


def subscribe_packet(pid, topic_filter, qos=0):
    return mqtt_packet(0x82, struct.pack(">H", pid) + mqtt_string(topic_filter) + bytes([qos]))


def publish_packet(topic, payload, qos=0, retain=False, pid=1):
    body = mqtt_string(topic) + (struct.pack(">H", pid) if qos else b"") + payload
    return mqtt_packet(0x30 | (qos << 1) | (1 if retain else 0), body)


PINGREQ, PINGRESP, DISCONNECT = b"\xc0\x00", b"\xd0\x00", b"\xe0\x00"


class RawClient:
    """An MQTT 3.1.1 client over a plain socket, for the byte-level cases."""

    def __init__(self, port, client_id=None, keep_alive=60, connect=True):
        self.sock = socket.create_connection((HOST, port), timeout=5)
        self.buf = b""
        if connect:
            self.sock.sendall(connect_packet(client_id or f"raw-{id(self)}", keep_alive))
            t, _, body = self.read_packet()
            assert t == 0x20 and body == b"\x00\x00", f"CONNACK {t:#x} {body!r}"

    def send(self, data):
        self.sock.sendall(data)

    def read_packet(self, timeout=5.0):
        """(type, first byte, body); raises socket.timeout or EOFError."""
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
        """(topic, payload, qos, retain, packet id) of the next packet, which must be a PUBLISH."""
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

    def subscribe(self, topic_filter, qos=0, pid=1):
        """The SUBACK's return codes."""
        self.send(subscribe_packet(pid, topic_filter, qos))
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


def mqtt_connect(port, client_id):
    """A connected RawClient, or None when the broker refuses or does not answer."""
    try:
        return RawClient(port, client_id)
    except (OSError, EOFError, AssertionError):
        return None
