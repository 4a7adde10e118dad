"""Clients for the socket_echo guest, on 127.0.0.1 only, every wait bounded.

run_clients(port, count) connects `count` clients plus one more at once,
waits for each greeting, then resets the extra one (SO_LINGER 0, no data
sent), so the server meets ECONNRESET, then EPIPE if it sends, and must
carry on. It interleaves small messages across the other connections
(each echo is read before the next message goes out, so the server must
serve them concurrently), sends one large payload on the first connection
while reading its echo, then half-closes every connection and reads until
the server's end of stream. It returns (check, ok, detail) triples.

The bytes sent are fixed, so the guest's "bytes echoed" line is too:
see expected_bytes().

run_blocking_client(port) plays socket_blocking's peer: a message in two
parts with a pause between, a message to peek at, the "pong" reply, the
server's end of stream; then a second connection reset after a pause, while
the guest waits in sock_recv.
"""
import selectors
import socket
import struct
import time

GREETING = b"hello from wasi\n"
ROUNDS = 4
LARGE = 256 * 1024
TIMEOUT = 10.0


def message(client, round_):
    return f"client {client} round {round_}\n".encode()


def large_payload():
    return bytes((i * 7 + (i >> 10)) & 0xFF for i in range(LARGE))


def expected_bytes(count):
    small = sum(len(message(c, r)) for c in range(count) for r in range(ROUNDS))
    return small + LARGE


def recv_exactly(sock, n, deadline):
    data = b""
    while len(data) < n:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=max(0.01, deadline - time.monotonic()))
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def exchange_large(sock, payload, deadline):
    """Send payload and read its echo at the same time (neither side may stall)."""
    sock.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent, received = 0, bytearray()
    try:
        while len(received) < len(payload) and time.monotonic() < deadline:
            for _, events in selector.select(timeout=0.2):
                if events & selectors.EVENT_WRITE and sent < len(payload):
                    sent += sock.send(payload[sent:sent + 65536])
                    if sent == len(payload):
                        selector.modify(sock, selectors.EVENT_READ)
                if events & selectors.EVENT_READ:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return bytes(received)
                    received += chunk
    finally:
        selector.close()
        sock.setblocking(True)
    return bytes(received)


def run_clients(port, count):
    checks = []
    deadline = time.monotonic() + TIMEOUT
    socks = []
    try:
        for _ in range(count + 1):
            socks.append(connect(port, deadline))
        greetings = [recv_exactly(s, len(GREETING), deadline) for s in socks]
        checks.append(("client: every connection greeted", all(g == GREETING for g in greetings),
                       repr(greetings)))
        rude = socks.pop()
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        rude.close()  # RST

        interleaved = True
        for round_ in range(ROUNDS):
            for client, sock in enumerate(socks):
                text = message(client, round_)
                sock.sendall(text)
                echo = recv_exactly(sock, len(text), deadline)
                if echo != text:
                    interleaved = False
                    checks.append((f"client: echo {client}/{round_}", False, repr(echo)))
        checks.append((f"client: {count} connections x {ROUNDS} interleaved echoes", interleaved, ""))

        payload = large_payload()
        echo = exchange_large(socks[0], payload, deadline)
        checks.append((f"client: {LARGE}-byte payload echoed intact", echo == payload,
                       f"got {len(echo)} bytes"))

        ends = []
        for sock in socks:
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            ends.append(sock.recv(16))
        checks.append(("client: server closed each stream after our half-close", all(e == b"" for e in ends),
                       repr(ends)))
    except (OSError, socket.timeout) as error:
        checks.append(("client: talking to the server", False, f"{type(error).__name__}: {error}"))
    finally:
        for sock in socks:
            sock.close()
    return checks


def run_blocking_client(port):
    checks = []
    deadline = time.monotonic() + TIMEOUT
    try:
        with connect(port, deadline) as sock:
            sock.sendall(b"01234")
            time.sleep(0.1)
            sock.sendall(b"56789")
            time.sleep(0.1)
            sock.sendall(b"peek\n")
            pong = recv_exactly(sock, 5, deadline)
            checks.append(("client: pong received", pong == b"pong\n", repr(pong)))
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            end = sock.recv(16)
            checks.append(("client: end of stream after the server's shutdown", end == b"", repr(end)))
        rude = connect(port, deadline)
        time.sleep(0.3)  # the guest is blocked in sock_recv by now
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        rude.close()
    except (OSError, socket.timeout) as error:
        checks.append(("client: talking to the server", False, f"{type(error).__name__}: {error}"))
    return checks
