"""edge_host.py — a small stand-in for the wasmc host, in Python on wasmtime.

It runs guest modules (WASI commands of the world in modules/edge.wit) each on
its own thread, connected by an in-process message bus, with HTTP POSTs
recorded instead of sent. Its side of the canonical ABI is written by hand
from edge.wit (the core signatures and layouts below), an independent check
of the generated bindings the modules use.

Two ways to provide WASI:
  * wasi="wasmtime": wasmtime's own WASI preview1 (Linker.define_wasi). Used
    to check that a module runs on a standard WASI implementation. The host
    cannot deliver messages inside poll_oneoff there, and wasmtime-py has no
    way to pre-open a socket (its WasiConfig has no preopen_socket), so this
    only suits modules that need neither (telemetry).
  * wasi="shim": MiniWasi below, the preview1 subset the modules import,
    written here. It pre-opens a real listening TCP socket as fd 3 and
    delivers bus messages from inside poll_oneoff exactly as the ABI says
    (cabi_realloc the topic and payload, guest.on-message, then return early). This is also a
    reference for what wasmc's host must do.

Only loopback sockets are used. Everything is bounded: inboxes, waits, and a
module stops at its next WASI call after stop() is called.
"""

import collections
import os
import select
import socket
import struct
import threading
import time

import wasmtime

I32 = wasmtime.ValType.i32()
I64 = wasmtime.ValType.i64()

# WASI preview1 constants (wasi/api.h).
ESUCCESS, EAGAIN, EBADF, ECONNRESET, EINVAL, EIO, ENOSYS, ENOTSOCK, EPIPE, ESPIPE = (
    0, 6, 8, 15, 28, 29, 52, 57, 64, 70)
FILETYPE_CHARACTER_DEVICE, FILETYPE_SOCKET_STREAM = 2, 6
FDFLAGS_NONBLOCK = 0x4
EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE = 0, 1, 2
SUBCLOCKFLAGS_ABSTIME = 0x1
CLOCK_REALTIME, CLOCK_MONOTONIC = 0, 1

INBOX_LIMIT = 1024


class Stop(Exception):
    """Raised inside a host call to end a module's run."""


class ProcExit(Exception):
    def __init__(self, code):
        super().__init__(f"proc_exit({code})")
        self.code = code


def topic_matches(flt, topic):
    """MQTT 3.1.1 §4.7 matching, the same rules as the server module."""
    if topic.startswith("$") and flt[:1] in ("+", "#"):
        return False
    f, t = flt.split("/"), topic.split("/")
    for i, level in enumerate(f):
        if level == "#":
            return True
        if i >= len(t):
            return False
        if level != "+" and level != t[i]:
            return False
    return len(f) == len(t)


class Bus:
    """The host message bus: delivers a publish to every OTHER module with a
    matching subscription, once per module."""

    def __init__(self):
        self.modules = []
        self.lock = threading.Lock()
        self.published = 0
        self.delivered = 0
        self.dropped = 0
        self.log = []  # (from, topic, payload, qos, retain)

    def publish(self, sender, topic, payload, qos, retain):
        with self.lock:
            self.published += 1
            self.log.append((sender.name if sender else None, topic, payload, qos, retain))
            targets = [m for m in self.modules
                       if m is not sender and any(topic_matches(f, topic) for f in m.filters)]
        for m in targets:
            m.enqueue(topic, payload, qos, retain)


class GuestModule:
    """One guest module instance on its own thread."""

    def __init__(self, engine, bus, name, wasm_path, config=None, wasi="shim",
                 listener=None, http=None, metrics=None):
        self.engine, self.bus, self.name = engine, bus, name
        self.module = wasmtime.Module.from_file(engine, wasm_path)
        self.config = {k: str(v) for k, v in (config or {}).items()}
        self.wasi_mode = wasi
        self.listener = listener
        self.http = http or (lambda url, ctype, body, timeout_ms: 200)
        self.metrics = metrics or {}
        self.filters = []
        self.inbox = collections.deque()
        self.inbox_dropped = 0
        self.logs = []  # (level, text)
        self.posts = []  # (time, url, content_type, body bytes, result)
        self.published = []  # (topic, payload, qos, retain)
        self.stop_event = threading.Event()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.outcome = None  # "stopped", ("exit", code) or the exception
        self.thread = None
        self.stop_after_publishes = None
        bus.modules.append(self)

    # ---- bus side ----------------------------------------------------------

    def enqueue(self, topic, payload, qos, retain):
        if len(self.inbox) >= INBOX_LIMIT:
            self.inbox.popleft()
            self.inbox_dropped += 1
            self.bus.dropped += 1
        self.inbox.append((topic, payload, qos, retain))
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass

    def deliver_pending(self, caller):
        """Deliver queued bus messages into the guest (ABI rule 2)."""
        if not self.inbox:
            return False
        on_message = caller.get(ON_MESSAGE)
        delivered = False
        while self.inbox:
            topic, payload, qos, retain = self.inbox.popleft()
            t = topic.encode()
            tp = guest_bytes(caller, t)
            pp = guest_bytes(caller, payload)
            # on-message(message): topic, payload, qos, retain, properties (none)
            on_message(caller, tp, len(t), pp, len(payload), qos & 1, 1 if retain else 0, 4, 0)
            self.bus.delivered += 1
            delivered = True
        return delivered

    # ---- lifecycle ---------------------------------------------------------

    def start(self):
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()

    def stop(self, timeout=5.0):
        self.stop_event.set()
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass
        if self.thread:
            self.thread.join(timeout)
        return self.thread is None or not self.thread.is_alive()

    def check_stop(self):
        if self.stop_event.is_set():
            raise Stop()

    def _run(self):
        try:
            store = wasmtime.Store(self.engine)
            linker = wasmtime.Linker(self.engine)
            if self.wasi_mode == "wasmtime":
                cfg = wasmtime.WasiConfig()
                store.set_wasi(cfg)
                linker.define_wasi()
                self.wasi = None
            else:
                self.wasi = MiniWasi(self)
                self.wasi.define(linker, self.module)
            self._define_edge(linker)
            instance = linker.instantiate(store, self.module)
            instance.exports(store)["_start"](store)
            self.outcome = ("exit", 0)
        except Stop:
            self.outcome = "stopped"
        except ProcExit as e:
            self.outcome = ("exit", e.code)
        except wasmtime.ExitTrap as e:
            self.outcome = ("exit", e.code)
        except Exception as e:  # a trap or a bug in this host
            self.outcome = e
        finally:
            if getattr(self, "wasi", None):
                self.wasi.close_all()

    # ---- the imports of interface "host" (modules/edge.wit) -------------------

    def _define_edge(self, linker):
        def mem(caller):
            return caller.get("memory")

        def read(caller, ptr, length):
            ptr, length = ptr & 0xFFFFFFFF, length & 0xFFFFFFFF
            m = mem(caller)
            if ptr + length > m.data_len(caller):
                raise RuntimeError("guest passed an out-of-bounds range")
            return bytes(m.read(caller, ptr, ptr + length))

        def write(caller, ptr, data):
            mem(caller).write(caller, data, ptr & 0xFFFFFFFF)

        def result(caller, retptr, error, payload_offset=1, payload=b""):
            """result<_, E> or result<T, E> at retptr: tag byte, payload at its offset."""
            if error is None:
                write(caller, retptr, b"\x00")
                if payload:
                    write(caller, retptr + payload_offset, payload)
            else:
                write(caller, retptr, b"\x01")
                write(caller, retptr + payload_offset, bytes([error]))

        def publish(caller, tp, tl, pp, pl, qos, retain, props_ptr, props_len, retptr):
            self.check_stop()
            topic = read(caller, tp, tl)
            payload = read(caller, pp, pl)
            try:
                topic = topic.decode()
            except UnicodeDecodeError:
                raise RuntimeError("publish: argument message: topic is not UTF-8")
            if qos not in (0, 1) or retain not in (0, 1):
                raise RuntimeError("publish: argument message: bad qos or retain")
            if not topic or "+" in topic or "#" in topic:
                return result(caller, retptr, 0)  # publish-error.invalid-topic
            self.published.append((topic, payload, qos, bool(retain)))
            self.bus.publish(self, topic, payload, qos, bool(retain))
            if self.stop_after_publishes and len(self.published) >= self.stop_after_publishes:
                raise Stop()
            result(caller, retptr, None)

        def subscribe(caller, fp, fl, retptr):
            flt = read(caller, fp, fl).decode()
            if not flt:
                return result(caller, retptr, 0)  # subscribe-error.invalid-filter
            if flt not in self.filters:
                self.filters.append(flt)
            result(caller, retptr, None)

        def http_post(caller, up, ul, cp, cl, bp, bl, timeout_ms, retptr):
            self.check_stop()
            url = read(caller, up, ul).decode(errors="replace")
            ctype = read(caller, cp, cl).decode(errors="replace")
            body = read(caller, bp, bl)
            status = self.http(url, ctype, body, timeout_ms)
            self.posts.append((time.monotonic(), url, ctype, body, status))
            # result<u16, http-error>: payload at offset 2; errors -1 denied, -2 connect, else other
            if status >= 0:
                result(caller, retptr, None, 2, struct.pack("<H", status))
            else:
                result(caller, retptr, {-1: 0, -2: 1}.get(status, 2), 2)

        def log(caller, level, mp, ml):
            text = read(caller, mp, ml).decode(errors="replace")
            self.logs.append((level, text))
            if os.environ.get("EDGE_HOST_VERBOSE"):
                print(f"  [{self.name}:{level}] {text}", flush=True)

        def config_get(caller, kp, kl, retptr):
            key = read(caller, kp, kl).decode(errors="replace")
            if key not in self.config:
                return write(caller, retptr, b"\x00")
            value = self.config[key].encode()
            ptr = guest_bytes(caller, value)
            # option<string>: tag byte, then (pointer, length) at offset 4
            write(caller, retptr, b"\x01\x00\x00\x00" + struct.pack("<II", ptr, len(value)))

        def metric_get(caller, np_, nl, retptr):
            name = read(caller, np_, nl).decode(errors="replace")
            values = {
                "bus.published": self.bus.published,
                "bus.delivered": self.bus.delivered,
                "bus.dropped": self.bus.dropped,
                "http.requests": sum(len(m.posts) for m in self.bus.modules),
                "host.load1_milli": int(os.getloadavg()[0] * 1000),
            }
            values.update(self.metrics)  # a None value: the host lacks that metric
            if values.get(name) is None:
                return write(caller, retptr, b"\x00")
            # option<u64>: tag byte, then the value at offset 8
            write(caller, retptr, b"\x01" + b"\x00" * 7 + struct.pack("<Q", values[name]))

        defs = {
            "publish": ([I32] * 9, [], publish),
            "subscribe": ([I32] * 3, [], subscribe),
            "http-post": ([I32] * 8, [], http_post),
            "log": ([I32] * 3, [], log),
            "config-get": ([I32] * 3, [], config_get),
            "metric-get": ([I32] * 3, [], metric_get),
            # result (no payloads) is one i32 returned directly: 0 ok, 1 err. This host keeps
            # nothing for later (sync is a no-op) and has no at-least-once inbox (message-done errs).
            "sync": ([], [I32], lambda caller: 0),
            "message-done": ([], [I32], lambda caller: 1),
        }
        for name, (params, results, fn) in defs.items():
            linker.define_func(HOST_INTERFACE, name, wasmtime.FuncType(params, results), fn,
                               access_caller=True)


HOST_INTERFACE = "wasmc:edge/host@0.1.0"
ON_MESSAGE = "wasmc:edge/guest@0.1.0#on-message"


def guest_bytes(caller, data):
    """Copies data into the guest with its cabi_realloc (alignment 1); its address."""
    if not data:
        return 1  # an empty string or list points at its alignment
    ptr = caller.get("cabi_realloc")(caller, 0, 0, 1, len(data)) & 0xFFFFFFFF
    caller.get("memory").write(caller, data, ptr)
    return ptr


class MiniWasi:
    """The WASI preview1 calls the guest modules use, over real sockets.

    fd 0-2 are stdin (empty), stdout and stderr (captured into the module's
    log), fd 3 is the pre-opened listening socket when the module has one.
    """

    def __init__(self, guest):
        self.guest = guest
        self.fds = {0: ("stdio", None, 0), 1: ("stdio", None, 0), 2: ("stdio", None, 0)}
        if guest.listener is not None:
            guest.listener.setblocking(False)
            self.fds[3] = ("listener", guest.listener, 0)
        self.next_fd = 4

    def close_all(self):
        for fd, (kind, sock, _) in list(self.fds.items()):
            if kind == "socket":
                sock.close()
        self.fds = {}

    # helpers
    @staticmethod
    def _mem(caller):
        return caller.get("memory")

    def _read(self, caller, ptr, n):
        return bytes(self._mem(caller).read(caller, ptr & 0xFFFFFFFF, (ptr & 0xFFFFFFFF) + n))

    def _write(self, caller, ptr, data):
        self._mem(caller).write(caller, data, ptr & 0xFFFFFFFF)

    def _iovecs(self, caller, ptr, count):
        raw = self._read(caller, ptr, 8 * count)
        return [struct.unpack_from("<II", raw, 8 * i) for i in range(count)]

    def _wait_fd(self, sock, write):
        """Block (boundedly, honouring stop) until sock is ready."""
        while True:
            self.guest.check_stop()
            r, w, _ = select.select([] if write else [sock], [sock] if write else [], [], 0.1)
            if r or w:
                return

    def define(self, linker, module):
        g = self.guest
        impl = {
            "args_sizes_get": self.sizes_get, "environ_sizes_get": self.sizes_get,
            "args_get": self.strings_get, "environ_get": self.strings_get,
            "clock_time_get": self.clock_time_get, "clock_res_get": self.clock_res_get,
            "fd_close": self.fd_close, "fd_fdstat_get": self.fd_fdstat_get,
            "fd_fdstat_set_flags": self.fd_fdstat_set_flags, "fd_prestat_get": self.badf2,
            "fd_prestat_dir_name": self.badf3, "fd_seek": self.fd_seek,
            "fd_write": self.fd_write, "fd_read": self.fd_read,
            "poll_oneoff": self.poll_oneoff, "proc_exit": self.proc_exit,
            "sched_yield": lambda caller: 0, "random_get": self.random_get,
            "sock_accept": self.sock_accept, "sock_recv": self.sock_recv,
            "sock_send": self.sock_send, "sock_shutdown": self.sock_shutdown,
        }
        for imp in module.imports:
            if imp.module != "wasi_snapshot_preview1":
                continue
            ty = imp.type
            fn = impl.get(imp.name)
            if fn is None:
                def fn(caller, *args, _name=imp.name):
                    g.logs.append((3, f"unimplemented WASI call {_name}"))
                    return ENOSYS
            linker.define_func("wasi_snapshot_preview1", imp.name, ty, fn, access_caller=True)

    # ---- calls ---------------------------------------------------------------

    def sizes_get(self, caller, count_ptr, size_ptr):
        self._write(caller, count_ptr, struct.pack("<I", 0))
        self._write(caller, size_ptr, struct.pack("<I", 0))
        return ESUCCESS

    def strings_get(self, caller, a, b):
        return ESUCCESS

    def badf2(self, caller, a, b):
        return EBADF

    def badf3(self, caller, a, b, c):
        return EBADF

    def clock_time_get(self, caller, clock_id, precision, out_ptr):
        ns = time.time_ns() if clock_id == CLOCK_REALTIME else time.monotonic_ns()
        self._write(caller, out_ptr, struct.pack("<Q", ns))
        return ESUCCESS

    def clock_res_get(self, caller, clock_id, out_ptr):
        self._write(caller, out_ptr, struct.pack("<Q", 1000))
        return ESUCCESS

    def random_get(self, caller, ptr, n):
        self._write(caller, ptr, os.urandom(n & 0xFFFFFFFF))
        return ESUCCESS

    def proc_exit(self, caller, code):
        raise ProcExit(code)

    def fd_close(self, caller, fd):
        entry = self.fds.pop(fd, None)
        if entry is None:
            return EBADF
        if entry[0] == "socket":
            entry[1].close()
        return ESUCCESS

    def fd_fdstat_get(self, caller, fd, out_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        ftype = FILETYPE_CHARACTER_DEVICE if entry[0] == "stdio" else FILETYPE_SOCKET_STREAM
        self._write(caller, out_ptr,
                    struct.pack("<BxHxxxxQQ", ftype, entry[2], 0xFFFFFFFFFFFFFFFF,
                                0xFFFFFFFFFFFFFFFF))
        return ESUCCESS

    def fd_fdstat_set_flags(self, caller, fd, flags):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        self.fds[fd] = (entry[0], entry[1], flags & 0xFFFF)
        return ESUCCESS

    def fd_seek(self, caller, fd, offset, whence, out_ptr):
        return EBADF if fd not in self.fds else ESPIPE

    def fd_write(self, caller, fd, iovs, n, out_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        data = b"".join(self._read(caller, p, l) for p, l in self._iovecs(caller, iovs, n))
        if entry[0] == "stdio":
            self.guest.logs.append((1, f"fd{fd}: " + data.decode(errors="replace")))
            self._write(caller, out_ptr, struct.pack("<I", len(data)))
            return ESUCCESS
        return self._send(caller, entry, data, out_ptr)

    def fd_read(self, caller, fd, iovs, n, out_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        if entry[0] == "stdio":
            self._write(caller, out_ptr, struct.pack("<I", 0))
            return ESUCCESS
        return self._recv(caller, entry, iovs, n, out_ptr)

    def sock_accept(self, caller, fd, flags, out_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        if entry[0] != "listener":
            return ENOTSOCK
        while True:
            try:
                conn, _ = entry[1].accept()
                break
            except BlockingIOError:
                if entry[2] & FDFLAGS_NONBLOCK:
                    return EAGAIN
                self._wait_fd(entry[1], write=False)
        conn.setblocking(False)
        new_fd = self.next_fd
        self.next_fd += 1
        self.fds[new_fd] = ("socket", conn, flags & FDFLAGS_NONBLOCK)
        self._write(caller, out_ptr, struct.pack("<I", new_fd))
        return ESUCCESS

    def _recv(self, caller, entry, iovs, n, out_ptr):
        vecs = self._iovecs(caller, iovs, n)
        want = sum(l for _, l in vecs)
        sock = entry[1]
        while True:
            try:
                data = sock.recv(want) if want else b""
                break
            except BlockingIOError:
                if entry[2] & FDFLAGS_NONBLOCK:
                    return EAGAIN
                self._wait_fd(sock, write=False)
            except (ConnectionResetError, ConnectionAbortedError):
                return ECONNRESET
            except OSError:
                return EIO
        off = 0
        for p, l in vecs:
            chunk = data[off:off + l]
            if chunk:
                self._write(caller, p, chunk)
            off += len(chunk)
        self._write(caller, out_ptr, struct.pack("<I", len(data)))
        return ESUCCESS

    def sock_recv(self, caller, fd, iovs, n, ri_flags, out_len_ptr, out_flags_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        if entry[0] != "socket":
            return ENOTSOCK
        self._write(caller, out_flags_ptr, struct.pack("<H", 0))
        return self._recv(caller, entry, iovs, n, out_len_ptr)

    def _send(self, caller, entry, data, out_ptr):
        sock = entry[1]
        while True:
            try:
                sent = sock.send(data) if data else 0
                break
            except BlockingIOError:
                if entry[2] & FDFLAGS_NONBLOCK:
                    return EAGAIN
                self._wait_fd(sock, write=True)
            except BrokenPipeError:
                return EPIPE
            except (ConnectionResetError, ConnectionAbortedError):
                return ECONNRESET
            except OSError:
                return EIO
        self._write(caller, out_ptr, struct.pack("<I", sent))
        return ESUCCESS

    def sock_send(self, caller, fd, iovs, n, si_flags, out_ptr):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        if entry[0] != "socket":
            return ENOTSOCK
        data = b"".join(self._read(caller, p, l) for p, l in self._iovecs(caller, iovs, n))
        return self._send(caller, entry, data, out_ptr)

    def sock_shutdown(self, caller, fd, how):
        entry = self.fds.get(fd)
        if entry is None:
            return EBADF
        try:
            entry[1].shutdown({1: socket.SHUT_RD, 2: socket.SHUT_WR}.get(how, socket.SHUT_RDWR))
        except OSError:
            pass
        return ESUCCESS

    def poll_oneoff(self, caller, in_ptr, out_ptr, nsubs, nevents_ptr):
        """Wait for the subscriptions; deliver bus messages while waiting and
        return early after delivering (ABI rules 2 and 3)."""
        g = self.guest
        g.check_stop()
        raw = self._read(caller, in_ptr, 48 * nsubs)
        now = time.monotonic_ns()
        deadline = None
        clock_subs, fd_subs = [], []
        for i in range(nsubs):
            userdata, tag = struct.unpack_from("<QB", raw, 48 * i)
            if tag == EVENTTYPE_CLOCK:
                clock_id, timeout, _precision, flags = struct.unpack_from("<IxxxxQQH", raw,
                                                                          48 * i + 16)
                if flags & SUBCLOCKFLAGS_ABSTIME:
                    base = time.time_ns() if clock_id == CLOCK_REALTIME else now
                    timeout = max(0, timeout - base)
                t = now + timeout
                clock_subs.append((userdata, t))
                deadline = t if deadline is None else min(deadline, t)
            else:
                (fd,) = struct.unpack_from("<I", raw, 48 * i + 16)
                fd_subs.append((userdata, tag, fd))
        if nsubs == 0:
            return EINVAL

        events = []
        delivered = g.deliver_pending(caller)
        while True:
            readers, writers, bad = [g.wake_r], [], []
            for userdata, tag, fd in fd_subs:
                entry = self.fds.get(fd)
                if entry is None or entry[0] == "stdio":
                    bad.append((userdata, tag))
                elif tag == EVENTTYPE_FD_READ:
                    readers.append(entry[1])
                else:
                    writers.append(entry[1])
            if bad:
                events = [(u, EBADF, t) for u, t in bad]
                break
            wait = 0.0 if delivered else 0.1
            if deadline is not None:
                wait = min(wait, max(0.0, (deadline - time.monotonic_ns()) / 1e9))
            r, w, _ = select.select(readers, writers, [], wait)
            if g.wake_r in r:
                try:
                    os.read(g.wake_r, 4096)
                except BlockingIOError:
                    pass
                delivered = g.deliver_pending(caller) or delivered
            for userdata, tag, fd in fd_subs:
                sock = self.fds[fd][1] if fd in self.fds else None
                if sock is not None and ((tag == EVENTTYPE_FD_READ and sock in r) or
                                         (tag == EVENTTYPE_FD_WRITE and sock in w)):
                    events.append((userdata, ESUCCESS, tag))
            if events:
                break
            t_now = time.monotonic_ns()
            fired = [(u, ESUCCESS, EVENTTYPE_CLOCK) for u, t in clock_subs if t <= t_now]
            if fired or (delivered and clock_subs):
                events = fired or [(clock_subs[0][0], ESUCCESS, EVENTTYPE_CLOCK)]
                break
            g.check_stop()
        out = bytearray(32 * len(events))
        for i, (userdata, err, tag) in enumerate(events):
            # event: userdata u64, error u16, type u8, fd_readwrite {nbytes u64, flags u16}
            struct.pack_into("<QHBxxxxxQH", out, 32 * i, userdata, err, tag,
                             1 if tag == EVENTTYPE_FD_READ else 65536, 0)
        self._write(caller, out_ptr, bytes(out))
        self._write(caller, nevents_ptr, struct.pack("<I", len(events)))
        return ESUCCESS
